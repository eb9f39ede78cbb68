/* routes.c: the one routing table. Finding the code for a URL takes no search. */
#include "api.h"

const http_route API_ROUTES[] = {
    {"GET", "/healthz", ops_healthz, 0, BODY_NONE, NULL},
    {"GET", "/readyz", ops_readyz, 0, BODY_NONE, NULL},
    {"GET", "/metrics", ops_metrics, 0, BODY_NONE, NULL},
    {"GET", "/openapi.yaml", ops_openapi, 0, BODY_NONE, NULL},
    {"GET", "/app", console_index, 0, BODY_NONE, NULL},
    {"GET", "/app/assets/{name}", console_asset, 0, BODY_NONE, NULL},
    {"GET", "/v1/session", session_get, ROLES_ALL, BODY_NONE, NULL},
    {"POST", "/v1/practices", practices_post, ROLE_ADMIN, BODY_JSON, NULL},
    {"GET", "/v1/practices/{id}", practices_get_one, ROLES_ALL, BODY_NONE, NULL},
    {"PATCH", "/v1/practices/{id}", practices_patch_one, ROLE_ADMIN, BODY_JSON, NULL},
    {"POST", "/v1/practices/{id}/api-keys", api_keys_post, ROLE_ADMIN, BODY_JSON, NULL},
    {"DELETE", "/v1/practices/{id}/api-keys/{key_id}", api_keys_delete, ROLE_ADMIN, BODY_NONE, NULL},
    {"POST", "/v1/clients", clients_post, ROLES_PRACTICE, BODY_JSON, NULL},
    {"GET", "/v1/clients", clients_get_list, ROLES_PRACTICE, BODY_NONE, NULL},
    {"GET", "/v1/clients/{id}", clients_get_one, ROLES_PRACTICE, BODY_NONE, NULL},
    {"PATCH", "/v1/clients/{id}", clients_patch_one, ROLES_PRACTICE, BODY_JSON, NULL},
    {"GET", "/v1/clients/{id}/reminders", reminders_get, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/clients/{id}/flags", flags_get, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/clients/{id}/flags", flags_post, ROLE_STAFF, BODY_JSON, NULL},
    {"DELETE", "/v1/clients/{id}/flags/{flag_id}", flags_delete, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/outreach", outreach_get, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/conversations", conversations_get_list, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/conversations/{id}", conversation_by_id_get, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/conversations/{id}/messages", conversation_by_id_messages_post, ROLE_STAFF, BODY_JSON, NULL},
    {"POST", "/v1/conversations/{id}/read", conversation_by_id_read_post, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/conversations/{id}/handled", conversation_by_id_handled_post, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/clients/{id}/conversation", conversation_get, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/clients/{id}/conversation/messages", conversation_messages_post, ROLE_STAFF, BODY_JSON, NULL},
    {"POST", "/v1/clients/{id}/conversation/read", conversation_read_post, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/clients/{id}/conversation/handled", conversation_handled_post, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/events", events_get, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/webhook-endpoints", webhook_endpoints_post, ROLE_STAFF, BODY_JSON, NULL},
    {"GET", "/v1/webhook-endpoints", webhook_endpoints_get_list, ROLE_STAFF, BODY_NONE, NULL},
    {"DELETE", "/v1/webhook-endpoints/{id}", webhook_endpoints_delete, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/webhook-endpoints/{id}/deliveries", webhook_endpoint_deliveries_get, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/clients/{id}/opt-outs", opt_outs_post, ROLE_STAFF, BODY_JSON, NULL},
    {"GET", "/v1/suppressions", suppressions_get_list, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/injectors", injectors_get_list, ROLES_PRACTICE, BODY_NONE, NULL},
    {"POST", "/v1/injectors", injectors_post, ROLE_STAFF, BODY_JSON, NULL},
    {"PATCH", "/v1/injectors/{id}", injectors_patch_one, ROLE_STAFF, BODY_JSON, NULL},
    {"GET", "/v1/injectors/{id}/schedule", schedules_get_one, ROLES_PRACTICE, BODY_NONE, NULL},
    {"PUT", "/v1/injectors/{id}/schedule", schedules_put_one, ROLE_STAFF, BODY_JSON, NULL},
    {"GET", "/v1/slots", slots_get, ROLES_PRACTICE, BODY_NONE, NULL},
    {"GET", "/v1/treatment-types", treatment_types_get_list, ROLES_PRACTICE, BODY_NONE, NULL},
    {"PUT", "/v1/treatment-types/{code}", treatment_types_put_one, ROLE_STAFF, BODY_JSON, NULL},
    {"GET", "/v1/templates", templates_get_list, ROLE_STAFF, BODY_NONE, NULL},
    {"PUT", "/v1/templates/{treatment_type}/{step}/{channel}", templates_put_one, ROLE_STAFF, BODY_JSON, NULL},
    {"POST", "/v1/templates/preview", templates_preview_post, ROLE_STAFF, BODY_JSON, NULL},
    {"POST", "/v1/treatments", treatments_post, ROLES_PRACTICE, BODY_JSON, NULL},
    {"GET", "/v1/treatments", treatments_get_list, ROLES_PRACTICE, BODY_NONE, NULL},
    {"GET", "/v1/treatments/{id}", treatments_get_one, ROLES_PRACTICE, BODY_NONE, NULL},
    {"POST", "/v1/treatments/{id}/refund", treatments_refund_post, ROLES_PRACTICE, BODY_NONE, NULL},
    {"GET", "/v1/loyalty/program", loyalty_program_get_one, ROLES_PRACTICE, BODY_NONE, NULL},
    {"PUT", "/v1/loyalty/program", loyalty_program_put_one, ROLE_STAFF, BODY_JSON, NULL},
    {"GET", "/v1/loyalty/calculator", loyalty_calculator_get, ROLES_PRACTICE, BODY_NONE, NULL},
    {"GET", "/v1/clients/{id}/loyalty", loyalty_summary_get, ROLES_PRACTICE, BODY_NONE, NULL},
    {"GET", "/v1/clients/{id}/loyalty/ledger", loyalty_ledger_get, ROLES_PRACTICE, BODY_NONE, NULL},
    {"POST", "/v1/clients/{id}/loyalty/redemptions", loyalty_redemptions_post, ROLES_PRACTICE, BODY_JSON, NULL},
    {"POST", "/v1/clients/{id}/loyalty/adjustments", loyalty_adjustments_post, ROLE_STAFF, BODY_JSON, NULL},
    {"POST", "/v1/clients/{id}/perks/{perk_id}/use", perks_use_post, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/referrals", referrals_post, ROLES_PRACTICE, BODY_JSON, NULL},
    {"POST", "/v1/loyalty/membership-plans", membership_plans_post, ROLE_STAFF, BODY_JSON, NULL},
    {"GET", "/v1/loyalty/membership-plans", membership_plans_get_list, ROLES_PRACTICE, BODY_NONE, NULL},
    {"POST", "/v1/clients/{id}/membership", membership_post, ROLES_PRACTICE, BODY_JSON, NULL},
    {"POST", "/v1/clients/{id}/membership/payments", membership_payments_post, ROLES_PRACTICE, BODY_JSON, NULL},
    {"POST", "/v1/clients/{id}/membership/cancel", membership_cancel_post, ROLES_PRACTICE, BODY_JSON, NULL},
    {"POST", "/v1/clients/{id}/membership/credit-uses", membership_credit_uses_post, ROLES_PRACTICE, BODY_JSON,
     NULL},
    {"GET", "/v1/messages", messages_get_list, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/bookings", bookings_post, ROLES_PRACTICE, BODY_JSON, NULL},
    {"GET", "/v1/bookings", bookings_get_list, ROLES_PRACTICE, BODY_NONE, NULL},
    {"PATCH", "/v1/bookings/{id}", bookings_patch_one, ROLES_PRACTICE, BODY_JSON, NULL},
    {"GET", "/v1/booking-links/{token}", booking_links_get, 0, BODY_NONE, NULL},
    {"GET", "/v1/unsubscribe/{message_id}", unsubscribe_any, 0, BODY_NONE, NULL},
    {"POST", "/v1/unsubscribe/{message_id}", unsubscribe_any, 0, BODY_NONE, NULL},
    {"POST", "/v1/webhooks/twilio/status", twilio_status_post, 0, BODY_FORM, NULL},
    {"POST", "/v1/webhooks/twilio/inbound", twilio_inbound_post, 0, BODY_FORM, NULL},
    {"POST", "/v1/webhooks/pms/{vendor}", pms_post, 0, BODY_JSON, NULL},
    {"POST", "/v1/imports/treatments", imports_post, ROLES_PRACTICE, BODY_STREAM, imports_stream},
    {"GET", "/v1/imports/{id}", imports_get_one, ROLES_PRACTICE, BODY_NONE, NULL},
    {"DELETE", "/v1/imports/{id}", imports_delete_one, ROLES_PRACTICE, BODY_NONE, NULL},
    {"GET", "/v1/integrations/unmapped", integrations_unmapped_get, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/analytics/retention", analytics_retention_get, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/analytics/loyalty", analytics_loyalty_get, ROLE_STAFF, BODY_NONE, NULL},
    {"GET", "/v1/analytics/reports", reports_get_list, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/analytics/reports", reports_post, ROLE_STAFF, BODY_JSON, NULL},
    {"GET", "/v1/analytics/reports/{id}", reports_get_one, ROLE_STAFF, BODY_NONE, NULL},
    {"POST", "/v1/webhooks/sendgrid/events", sendgrid_events_post, 0, BODY_JSON, NULL},
    {"POST", "/v1/webhooks/sendgrid/inbound", sendgrid_inbound_post, 0, BODY_STREAM, sendgrid_inbound_stream},
};
const size_t API_ROUTE_COUNT = sizeof API_ROUTES / sizeof API_ROUTES[0];

bool api_limit(http_req *r, int *limit) {
  const char *v = http_query(r, "limit");
  *limit = 50;
  if (!v)
    return true;
  char *end;
  long n = strtol(v, &end, 10);
  if (!*v || *end || n < 1 || n > 100) {
    cad_error err;
    cad_fail(&err, "invalid_query", "limit", "'limit' must be an integer from 1 to 100");
    http_reply_error(r, &err);
    return false;
  }
  *limit = (int)n;
  return true;
}

bool api_check(http_req *r, bool ok, const cad_error *err) {
  if (!ok)
    http_reply_error(r, err);
  return ok;
}
