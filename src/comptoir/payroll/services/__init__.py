"""Payroll's writes: pay heads (`heads`), pay structures (`structures`), payroll runs (`runs`), payslip documents
(`documents`) and the demo (`demo`)."""
