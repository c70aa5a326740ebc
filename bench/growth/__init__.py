"""Growth curves (issue 20): each job's time per unit and peak memory at three sizes."""
