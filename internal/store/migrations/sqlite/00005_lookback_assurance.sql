-- Look-back assurance (issue 18): how many closed problems a look-back's
-- sample was drawn from, and for a draw weighted by risk the population's
-- weights (JSON), so that its bound can be stated later.

-- +goose Up
ALTER TABLE `lookbacks` ADD COLUMN `population` integer NOT NULL DEFAULT 0;
ALTER TABLE `lookbacks` ADD COLUMN `weights` text NOT NULL DEFAULT "";
