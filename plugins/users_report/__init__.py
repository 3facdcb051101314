"""The Users report of users_pipeline: see users_report_plugin.py and docs/users-report.md."""
