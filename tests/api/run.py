"""Runs every API test module against CADENCE_BIN; prints "api: N passed, N failed"."""
import sys

import harness

MODULES = ["test_operations", "test_auth", "test_practices", "test_clients", "test_treatments", "test_library",
           "test_dispatch", "test_webhooks", "test_conversations", "test_events", "test_console", "test_secrets_and_roles", "test_attacks", "test_names", "test_renderings", "test_bookings", "test_schedules", "test_integrations", "test_imports", "test_loyalty", "test_analytics",
           "test_faults", "test_resilience"]

if __name__ == "__main__":
    ok = harness.run(MODULES)
    try:
        harness.stop_shared()
    except Exception as e:  # a dirty exit (sanitizer report, crash) fails the run
        print(f"FAIL shared server shutdown: {e}")
        print("api: 0 passed, 1 failed")
        ok = False
    sys.exit(0 if ok else 1)
