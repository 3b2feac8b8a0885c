"""The bank pages of the desk: statement import (upload, map the columns, preview, import) and reconciliation."""
