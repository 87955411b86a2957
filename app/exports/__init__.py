"""Downloads of tables and charts: XLSX and CSV safe against formula injection."""
