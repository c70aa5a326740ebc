"""Exam day: N students start the final, autosave every 20 s and submit, with grading on.

`python -m bench.exam_day` (or `make bench-exam-day`) steps N up until the p95 of autosave
or submit passes 250 ms, a request fails, or an attempt is not graded exactly once, and
reports the largest N that held as "concurrent exam-takers per core".
"""
