"""年度计划 in the window: the plan view and its three dialogs, one module each, with what they show alike.

`view` is the page the main window holds (the plans of the pairing and year it follows, their tasks and targets);
`import_preview` shows a task list as read before it is imported; `target_dialog` corrects a task's targets by hand;
`links_dialog` files records under a task; `display` holds the wording, colours and widths they share. Everything is
done by `ledger.plans.store` through `LedgerContext`; each window reads with short sessions of its own into plain
rows, so no ORM object outlives its session.
"""
