-- What a de-duplicated request made (issue 19), so that its retry answers
-- the same thing: e.g. "evidence:42" for an API evidence upload.

-- +goose Up
ALTER TABLE idempotency_keys ADD COLUMN result character varying(200) DEFAULT ''::character varying NOT NULL;
