"""Reports for instructors: question statistics, CSV exports, regrades."""
