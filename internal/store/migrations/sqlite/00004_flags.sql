-- Red flags (风险线索, issue 18): the flags computed per problem, the texts
-- the copy rule compares with their MinHash bands, and the campaign's
-- thresholds.

-- +goose Up
CREATE TABLE `flags` (`id` integer PRIMARY KEY AUTOINCREMENT,`campaign_id` integer NOT NULL,`problem_id` integer NOT NULL,`kind` text NOT NULL,`subject` text NOT NULL,`params` text NOT NULL DEFAULT "",`refs` text NOT NULL DEFAULT "",`created_at` datetime NOT NULL,`dismissed` numeric NOT NULL DEFAULT false,`dismissed_by` integer NOT NULL DEFAULT 0,`dismissed_by_name` text NOT NULL DEFAULT "",`dismissed_reason` text NOT NULL DEFAULT "",`dismissed_seq` integer NOT NULL DEFAULT 0,`dismissed_at` datetime);
CREATE UNIQUE INDEX `idx_flag_subject` ON `flags`(`problem_id`,`kind`,`subject`);
CREATE INDEX `idx_flag_campaign` ON `flags`(`campaign_id`,`kind`);
CREATE TABLE `flag_texts` (`id` integer PRIMARY KEY AUTOINCREMENT,`problem_id` integer NOT NULL,`source` text NOT NULL,`text` text NOT NULL);
CREATE UNIQUE INDEX `idx_flag_text_source` ON `flag_texts`(`problem_id`,`source`);
CREATE TABLE `flag_text_bands` (`band` integer,`text_id` integer,PRIMARY KEY (`band`,`text_id`));
CREATE INDEX `idx_flag_text_bands_text_id` ON `flag_text_bands`(`text_id`);
ALTER TABLE `campaigns` ADD COLUMN `flag_policy` text NOT NULL DEFAULT "";

-- +goose Down
ALTER TABLE `campaigns` DROP COLUMN `flag_policy`;
DROP TABLE `flag_text_bands`;
DROP TABLE `flag_texts`;
DROP TABLE `flags`;
