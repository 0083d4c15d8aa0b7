-- The schema as gorm's AutoMigrate made it before migrations were versioned
-- (from sqlite_master). A database made then is adopted at this version (see
-- migrate.go); do not edit: add a migration instead.

-- +goose Up
CREATE TABLE `units` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` text NOT NULL,`created_at` datetime);
CREATE UNIQUE INDEX `idx_units_name` ON `units`(`name`);
CREATE TABLE `users` (`id` integer PRIMARY KEY AUTOINCREMENT,`username` text NOT NULL,`password_hash` text NOT NULL,`display_name` text NOT NULL,`role` text NOT NULL,`unit_id` integer NOT NULL DEFAULT 0,`email` text NOT NULL DEFAULT "",`disabled` numeric NOT NULL DEFAULT false,`created_at` datetime);
CREATE INDEX `idx_users_unit_id` ON `users`(`unit_id`);
CREATE UNIQUE INDEX `idx_users_username` ON `users`(`username`);
CREATE TABLE `sessions` (`token_hash` text,`user_id` integer NOT NULL,`expires_at` datetime NOT NULL,`revoked_at` datetime,`created_at` datetime,PRIMARY KEY (`token_hash`));
CREATE INDEX `idx_sessions_user_id` ON `sessions`(`user_id`);
CREATE TABLE `campaigns` (`id` integer PRIMARY KEY AUTOINCREMENT,`title` text NOT NULL,`inspected_body` text NOT NULL DEFAULT "",`inspection_team` text NOT NULL DEFAULT "",`inspection_start` text NOT NULL DEFAULT "",`inspection_end` text NOT NULL DEFAULT "",`feedback_date` text NOT NULL DEFAULT "",`warning_window_s` integer NOT NULL DEFAULT 0,`ack_window_s` integer NOT NULL DEFAULT 0,`review_window_s` integer NOT NULL DEFAULT 0,`repeat_every_s` integer NOT NULL DEFAULT 0,`escalate_after_s` integer NOT NULL DEFAULT 0,`report_cadence` text NOT NULL DEFAULT "",`report_due_days` integer NOT NULL DEFAULT 0,`created_at` datetime);
CREATE TABLE `problems` (`id` integer PRIMARY KEY AUTOINCREMENT,`campaign_id` integer NOT NULL,`number` integer NOT NULL,`section` text NOT NULL DEFAULT "",`parent_number` integer NOT NULL DEFAULT 0,`parent_title` text NOT NULL DEFAULT "",`title` text NOT NULL,`description` text NOT NULL DEFAULT "",`stage` text NOT NULL,`lead_unit_id` integer NOT NULL DEFAULT 0,`version` integer NOT NULL DEFAULT 0,`plan_submitted_by` integer NOT NULL DEFAULT 0,`next_measure_id` integer NOT NULL DEFAULT 0,`closed_at` datetime,`stage_since` datetime,`yellow_at` datetime,`red_at` datetime,`next_extension_id` integer NOT NULL DEFAULT 0,`extensions` text NOT NULL DEFAULT "",`policy` text NOT NULL DEFAULT "",`closure` text NOT NULL DEFAULT "",`workflow_started` numeric NOT NULL DEFAULT false,`lookback_id` integer NOT NULL DEFAULT 0,`lookback_due` text NOT NULL DEFAULT "",`measure_count` integer NOT NULL DEFAULT 0,`extensions_granted` integer NOT NULL DEFAULT 0,`created_at` datetime,`updated_at` datetime);
CREATE INDEX `idx_problems_red_at` ON `problems`(`red_at`);
CREATE INDEX `idx_problems_yellow_at` ON `problems`(`yellow_at`);
CREATE INDEX `idx_problems_lead_unit_id` ON `problems`(`lead_unit_id`);
CREATE INDEX `idx_problems_stage` ON `problems`(`stage`);
CREATE UNIQUE INDEX `idx_problem_number` ON `problems`(`campaign_id`,`number`);
CREATE TABLE `measures` (`problem_id` integer,`measure_id` integer,`title` text NOT NULL,`kind` text NOT NULL,`lead_unit_id` integer NOT NULL,`co_unit_ids` text NOT NULL DEFAULT "",`responsible_leader` text NOT NULL DEFAULT "",`deadline` text NOT NULL DEFAULT "",`original_deadline` text NOT NULL DEFAULT "",`report_due` text NOT NULL DEFAULT "",`extension_count` integer NOT NULL DEFAULT 0,`acknowledged` numeric NOT NULL DEFAULT false,`acknowledged_at` datetime,`completed` numeric NOT NULL DEFAULT false,`completed_at` datetime,`completion_summary` text NOT NULL DEFAULT "",`progress_count` integer NOT NULL DEFAULT 0,`latest_progress` text NOT NULL DEFAULT "",`latest_percent` integer,`latest_progress_at` datetime,PRIMARY KEY (`problem_id`,`measure_id`));
CREATE INDEX `idx_measures_lead_unit_id` ON `measures`(`lead_unit_id`);
CREATE TABLE `problem_units` (`problem_id` integer,`unit_id` integer,PRIMARY KEY (`problem_id`,`unit_id`));
CREATE INDEX `idx_problem_units_unit_id` ON `problem_units`(`unit_id`);
CREATE TABLE `events` (`id` integer PRIMARY KEY AUTOINCREMENT,`problem_id` integer NOT NULL,`seq` integer NOT NULL,`request_id` text NOT NULL DEFAULT "",`action` text NOT NULL,`actor_id` integer NOT NULL,`actor_name` text NOT NULL,`actor_role` text NOT NULL,`actor_unit` integer NOT NULL DEFAULT 0,`from_stage` text NOT NULL DEFAULT "",`to_stage` text NOT NULL DEFAULT "",`measure_id` integer NOT NULL DEFAULT 0,`reason` text NOT NULL DEFAULT "",`payload` text NOT NULL DEFAULT "",`at` datetime,`chain_pos` integer NOT NULL DEFAULT 0,`prev_hash` text NOT NULL DEFAULT "",`hash` text NOT NULL DEFAULT "");
CREATE INDEX `idx_events_chain_pos` ON `events`(`chain_pos`);
CREATE UNIQUE INDEX `idx_event_seq` ON `events`(`problem_id`,`seq`);
CREATE TABLE `progress_entries` (`id` integer PRIMARY KEY AUTOINCREMENT,`problem_id` integer NOT NULL,`seq` integer NOT NULL,`measure_id` integer NOT NULL,`user_id` integer NOT NULL,`username` text NOT NULL,`unit_id` integer NOT NULL DEFAULT 0,`text` text NOT NULL,`percent` integer,`created_at` datetime);
CREATE UNIQUE INDEX `idx_progress_seq` ON `progress_entries`(`problem_id`,`seq`);
CREATE TABLE `settings` (`name` text,`value` text NOT NULL,PRIMARY KEY (`name`));
CREATE TABLE `campaign_narratives` (`campaign_id` integer,`organization` text NOT NULL DEFAULT "",`next_steps` text NOT NULL DEFAULT "",`contact` text NOT NULL DEFAULT "",`updated_by` integer NOT NULL DEFAULT 0,`updated_at` datetime,PRIMARY KEY (`campaign_id`));
CREATE TABLE `notifications` (`id` integer PRIMARY KEY AUTOINCREMENT,`key` text NOT NULL,`user_id` integer NOT NULL,`kind` text NOT NULL,`problem_id` integer NOT NULL DEFAULT 0,`measure_id` integer NOT NULL DEFAULT 0,`message` text NOT NULL,`read_at` datetime,`created_at` datetime);
CREATE INDEX `idx_notification_inbox` ON `notifications`(`user_id`,`created_at`);
CREATE UNIQUE INDEX `idx_notification_key` ON `notifications`(`key`,`user_id`);
CREATE TABLE `deliveries` (`id` integer PRIMARY KEY AUTOINCREMENT,`key` text NOT NULL,`channel` text NOT NULL,`target` text NOT NULL,`status` text NOT NULL,`attempts` integer NOT NULL DEFAULT 0,`last_error` text NOT NULL DEFAULT "",`sent_at` datetime,`created_at` datetime);
CREATE INDEX `idx_deliveries_status` ON `deliveries`(`status`);
CREATE UNIQUE INDEX `idx_delivery_key` ON `deliveries`(`key`,`channel`,`target`);
CREATE TABLE `evidence` (`id` integer PRIMARY KEY AUTOINCREMENT,`problem_id` integer NOT NULL,`measure_id` integer NOT NULL,`title` text NOT NULL,`note` text NOT NULL DEFAULT "",`sha256` text NOT NULL DEFAULT "",`original_name` text NOT NULL DEFAULT "",`size` integer NOT NULL DEFAULT 0,`content_type` text NOT NULL DEFAULT "",`uploaded_by` integer NOT NULL,`uploader_name` text NOT NULL,`unit_id` integer NOT NULL DEFAULT 0,`withdrawn_at` datetime,`created_at` datetime);
CREATE INDEX `idx_evidence_sha256` ON `evidence`(`sha256`);
CREATE INDEX `idx_evidence_measure` ON `evidence`(`problem_id`,`measure_id`);
CREATE TABLE `outcomes` (`id` integer PRIMARY KEY AUTOINCREMENT,`problem_id` integer NOT NULL,`measure_id` integer NOT NULL DEFAULT 0,`kind` text NOT NULL,`name` text NOT NULL DEFAULT "",`doc_number` text NOT NULL DEFAULT "",`date` text NOT NULL DEFAULT "",`amount` real NOT NULL DEFAULT 0,`count` integer NOT NULL DEFAULT 0,`unit` text NOT NULL DEFAULT "",`created_by` integer NOT NULL,`created_at` datetime);
CREATE INDEX `idx_outcomes_problem_id` ON `outcomes`(`problem_id`);
CREATE TABLE `lookbacks` (`id` integer PRIMARY KEY AUTOINCREMENT,`title` text NOT NULL,`campaign_id` integer NOT NULL DEFAULT 0,`scope` text NOT NULL,`seed` integer NOT NULL DEFAULT 0,`due_date` text NOT NULL,`reviewer_ids` text NOT NULL DEFAULT "",`created_by` integer NOT NULL,`idem_key` text,`created_at` datetime);
CREATE UNIQUE INDEX `idx_lookbacks_idem_key` ON `lookbacks`(`idem_key`);
CREATE INDEX `idx_lookbacks_campaign_id` ON `lookbacks`(`campaign_id`);
CREATE TABLE `lookback_problems` (`lookback_id` integer,`problem_id` integer,`campaign_id` integer NOT NULL,`lead_unit_id` integer NOT NULL DEFAULT 0,`status` text NOT NULL,`result` text NOT NULL DEFAULT "",`finding` text NOT NULL DEFAULT "",`reason` text NOT NULL DEFAULT "",`concluded_at` datetime,`concluded_by` integer NOT NULL DEFAULT 0,PRIMARY KEY (`lookback_id`,`problem_id`));
CREATE INDEX `idx_lookback_problems_campaign_id` ON `lookback_problems`(`campaign_id`);
CREATE INDEX `idx_lookback_problems_problem_id` ON `lookback_problems`(`problem_id`);
CREATE TABLE `audit_heads` (`campaign_id` integer,`position` integer NOT NULL DEFAULT 0,`hash` text NOT NULL DEFAULT "",PRIMARY KEY (`campaign_id`));
CREATE TABLE `api_tokens` (`id` integer PRIMARY KEY AUTOINCREMENT,`name` text NOT NULL,`user_id` integer NOT NULL,`token_hash` text NOT NULL,`created_by` integer NOT NULL,`created_at` datetime NOT NULL,`expires_at` datetime NOT NULL,`revoked_at` datetime);
CREATE UNIQUE INDEX `idx_api_tokens_token_hash` ON `api_tokens`(`token_hash`);
CREATE INDEX `idx_api_tokens_user_id` ON `api_tokens`(`user_id`);
