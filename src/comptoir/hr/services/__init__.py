"""The write surface of HR: departments, positions and holidays (organization.py), employees (employees.py),
attendance (attendance.py), leave (leave.py), performance reviews (reviews.py), recruitment (recruitment.py) and
training (training.py)."""
