-- State every API and worker replica must share (issue 19): form and API
-- de-duplication by idempotency key, and failed-login counters.

-- +goose Up
CREATE TABLE idempotency_keys (
    key character varying(200) NOT NULL,
    created_at timestamp with time zone NOT NULL
);
ALTER TABLE ONLY idempotency_keys ADD CONSTRAINT idempotency_keys_pkey PRIMARY KEY (key);
CREATE INDEX idx_idempotency_keys_created_at ON idempotency_keys USING btree (created_at);

CREATE TABLE login_failures (
    id bigserial NOT NULL,
    key character varying(200) NOT NULL,
    at timestamp with time zone NOT NULL
);
ALTER TABLE ONLY login_failures ADD CONSTRAINT login_failures_pkey PRIMARY KEY (id);
CREATE INDEX idx_login_failure_key ON login_failures USING btree (key, at);

CREATE TABLE login_lockouts (
    key character varying(200) NOT NULL,
    until timestamp with time zone NOT NULL
);
ALTER TABLE ONLY login_lockouts ADD CONSTRAINT login_lockouts_pkey PRIMARY KEY (key);

-- +goose Down
DROP TABLE login_lockouts;
DROP TABLE login_failures;
DROP TABLE idempotency_keys;
