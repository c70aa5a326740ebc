"""The student's Grades page: every quiz of each of my courses and the grade that counts."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import standings


@login_required
def grades(request):
    """List my courses' quizzes with grade, attempts, marking to come and feedback links."""
    return render(
        request,
        "quizzes/grades.html",
        {"courses": standings.grades_for(request.user)},
    )
