"""Grade passback (LTI AGS 2.0): an outbox of scores, written with the grade, sent by a task."""
