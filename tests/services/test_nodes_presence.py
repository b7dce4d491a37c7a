"""A process that is not a server worker (a local `qcm paper generate`) is a
node while it draws a paper batch: a server starting meanwhile does not take
its batch for a dead process's; once done it leaves no node behind."""

from __future__ import annotations

from services import nodes
from store.store import Store


async def node_rows(store: Store) -> list[tuple]:
    return [tuple(r) for r in await store.db.all("SELECT id, label FROM nodes")]


async def test_a_batch_drawn_by_a_local_command_names_its_node(service, world, store):
    assert store.nodes.current is None  # as in `qcm paper generate`
    batch, _ = await service.generate_paper(world.scope, world.qcm.id, 2)
    [row] = await store.db.all("SELECT node_id FROM paper_batches WHERE id = ?", (batch.id,))
    assert row[0] is not None
    assert store.nodes.current is None and await node_rows(store) == []


async def test_a_start_meanwhile_keeps_the_batch_of_a_live_command(world, store, backend):
    other = await backend.open(store.clock)
    try:
        await other.nodes.reap()  # the world's own batches, drawn by no node
        async with nodes.presence(store, "qcm paper"):
            [(node, label)] = await node_rows(store)
            assert node == store.nodes.current and label.endswith("qcm paper")
            batch = await store.qcms.create_paper_batch(world.scope, world.qcm.id, 3)
            assert (await other.nodes.reap()).batches == 0  # a node starting elsewhere
            async with nodes.presence(store, "nested"):  # already a node: nothing more
                assert len(await node_rows(store)) == 1
        assert await node_rows(store) == []
        # Left without recording its PDF (a failure the undo would have handled):
        # the batch now belongs to no live node, and the next start removes it.
        assert (await other.nodes.reap()).batches == 1
        pending = await other.qcms.paper_batches(world.scope, world.qcm.id, pending=True)
        assert batch.id not in [b.id for b in pending]
    finally:
        await other.close()
