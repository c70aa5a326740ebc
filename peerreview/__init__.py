"""Calibrated peer review of tradeoff justifications (issue 17, part 1).

Owns the per-quiz peer-review setup, the instructor's calibration examples and the
students' calibration attempts, the allocation of reviews, the reviews themselves, the
peer score of each answer (weighted median of the peer levels) and its override, flags
and the agreement statistics; student pages under /peer/ (namespace `peer:`) and the
instructor's pages under /instructor/peer/ (namespace `peer-instructor:`).

Sits beside `teaching` and `analytics`: it may import `quizzes`, `courses`, `accounts`
and `core`; `quizzes` never imports it. It learns of graded attempts from the engine's
`attempts_scored` signal, and tells `progress` about e-mails to send with its own
`peer_notice` signal (progress listens).
"""
