"""The key field: Enter submits what was typed before it, in typing order."""

from __future__ import annotations

from textual import events

from tui.widgets.text_field import TextField


class KeyInput(TextField):
    """Handles Enter with the keys, not as a binding.

    Textual resolves bindings only once a key has bubbled back up, so in one
    burst of input (a slow link, a paste) the characters typed after Enter could
    reach the field before Enter is acted on, and be submitted with it."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            await self.action_submit()
            return
        await super()._on_key(event)
