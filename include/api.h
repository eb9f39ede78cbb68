/* api.h: the REST surface. The route table and one handler per endpoint;
 * a handler parses and validates, calls the service, renders JSON. */
#ifndef CADENCE_API_H
#define CADENCE_API_H

#include <stddef.h>

#include "http.h"

extern const http_route API_ROUTES[];
extern const size_t API_ROUTE_COUNT;

/* The OpenAPI document, compiled in from openapi.yaml. */
extern const char OPENAPI_YAML[];

/* Reads ?limit= (default 50, 1..100) into *limit; replies 400 and returns false when bad. */
bool api_limit(http_req *r, int *limit);

/* Replies with err when ok is false; returns ok. Keeps handlers to one line per step. */
bool api_check(http_req *r, bool ok, const cad_error *err);

/* Handlers, named <resource>_<method>. */
void ops_healthz(http_req *r);
void ops_readyz(http_req *r);
void ops_metrics(http_req *r);
void ops_openapi(http_req *r);
void practices_post(http_req *r);
void practices_get_one(http_req *r);
void practices_patch_one(http_req *r);
void api_keys_post(http_req *r);
void api_keys_delete(http_req *r);
void clients_post(http_req *r);
void clients_get_list(http_req *r);
void clients_get_one(http_req *r);
void clients_patch_one(http_req *r);
void injectors_get_list(http_req *r);
void injectors_post(http_req *r);
void injectors_patch_one(http_req *r);
void schedules_get_one(http_req *r);
void schedules_put_one(http_req *r);
void slots_get(http_req *r);
void booking_links_get(http_req *r);
void treatment_types_get_list(http_req *r);
void treatment_types_put_one(http_req *r);
void templates_get_list(http_req *r);
void templates_put_one(http_req *r);
void templates_preview_post(http_req *r);
void treatments_post(http_req *r);
void treatments_get_list(http_req *r);
void treatments_get_one(http_req *r);
void treatments_refund_post(http_req *r);
void loyalty_program_get_one(http_req *r);
void loyalty_program_put_one(http_req *r);
void loyalty_calculator_get(http_req *r);
void loyalty_summary_get(http_req *r);
void loyalty_ledger_get(http_req *r);
void loyalty_redemptions_post(http_req *r);
void loyalty_adjustments_post(http_req *r);
void perks_use_post(http_req *r);
void referrals_post(http_req *r);
void analytics_retention_get(http_req *r);
void analytics_loyalty_get(http_req *r);
void reports_get_list(http_req *r);
void reports_get_one(http_req *r);
void reports_post(http_req *r);
void membership_plans_post(http_req *r);
void membership_plans_get_list(http_req *r);
void membership_post(http_req *r);
void membership_payments_post(http_req *r);
void membership_cancel_post(http_req *r);
void membership_credit_uses_post(http_req *r);
void flags_get(http_req *r);
void flags_post(http_req *r);
void flags_delete(http_req *r);
void outreach_get(http_req *r);
void reminders_get(http_req *r);
void messages_get_list(http_req *r);
void conversations_get_list(http_req *r);
void conversation_get(http_req *r);
void conversation_messages_post(http_req *r);
void conversation_read_post(http_req *r);
void conversation_handled_post(http_req *r);
void conversation_by_id_get(http_req *r);
void conversation_by_id_messages_post(http_req *r);
void conversation_by_id_read_post(http_req *r);
void conversation_by_id_handled_post(http_req *r);
void unsubscribe_any(http_req *r);
void twilio_status_post(http_req *r);
void twilio_inbound_post(http_req *r);
void pms_post(http_req *r);
void integrations_unmapped_get(http_req *r);
bool imports_stream(http_req *r, const char *data, size_t len);
void imports_post(http_req *r);
void imports_get_one(http_req *r);
void imports_delete_one(http_req *r);
void sendgrid_events_post(http_req *r);
bool sendgrid_inbound_stream(http_req *r, const char *data, size_t len);
void sendgrid_inbound_post(http_req *r);
void opt_outs_post(http_req *r);
void suppressions_get_list(http_req *r);
void bookings_post(http_req *r);
void bookings_get_list(http_req *r);
void bookings_patch_one(http_req *r);
void events_get(http_req *r);
void console_index(http_req *r);
void console_asset(http_req *r);
void session_get(http_req *r);
void webhook_endpoints_post(http_req *r);
void webhook_endpoints_get_list(http_req *r);
void webhook_endpoints_delete(http_req *r);
void webhook_endpoint_deliveries_get(http_req *r);

#endif
