-- State every API and worker replica must share (issue 19): form and API
-- de-duplication by idempotency key, and failed-login counters.

-- +goose Up
CREATE TABLE `idempotency_keys` (`key` text,`created_at` datetime NOT NULL,PRIMARY KEY (`key`));
CREATE INDEX `idx_idempotency_keys_created_at` ON `idempotency_keys`(`created_at`);
CREATE TABLE `login_failures` (`id` integer PRIMARY KEY AUTOINCREMENT,`key` text NOT NULL,`at` datetime NOT NULL);
CREATE INDEX `idx_login_failure_key` ON `login_failures`(`key`,`at`);
CREATE TABLE `login_lockouts` (`key` text,`until` datetime NOT NULL,PRIMARY KEY (`key`));

-- +goose Down
DROP TABLE `login_lockouts`;
DROP TABLE `login_failures`;
DROP TABLE `idempotency_keys`;
