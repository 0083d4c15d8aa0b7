-- Red flags (风险线索, issue 18): the flags computed per problem, the texts
-- the copy rule compares with their MinHash bands, and the campaign's
-- thresholds.

-- +goose Up
CREATE TABLE flags (
    id bigserial NOT NULL,
    campaign_id bigint NOT NULL,
    problem_id bigint NOT NULL,
    kind character varying(32) NOT NULL,
    subject character varying(200) NOT NULL,
    params text DEFAULT ''::text NOT NULL,
    refs text DEFAULT ''::text NOT NULL,
    created_at timestamp with time zone NOT NULL,
    dismissed boolean DEFAULT false NOT NULL,
    dismissed_by bigint DEFAULT 0 NOT NULL,
    dismissed_by_name character varying(64) DEFAULT ''::character varying NOT NULL,
    dismissed_reason text DEFAULT ''::text NOT NULL,
    dismissed_seq bigint DEFAULT 0 NOT NULL,
    dismissed_at timestamp with time zone
);
ALTER TABLE ONLY flags ADD CONSTRAINT flags_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX idx_flag_subject ON flags USING btree (problem_id, kind, subject);
CREATE INDEX idx_flag_campaign ON flags USING btree (campaign_id, kind);

CREATE TABLE flag_texts (
    id bigserial NOT NULL,
    problem_id bigint NOT NULL,
    source character varying(64) NOT NULL,
    text text NOT NULL
);
ALTER TABLE ONLY flag_texts ADD CONSTRAINT flag_texts_pkey PRIMARY KEY (id);
CREATE UNIQUE INDEX idx_flag_text_source ON flag_texts USING btree (problem_id, source);

CREATE TABLE flag_text_bands (
    band bigint NOT NULL,
    text_id bigint NOT NULL
);
ALTER TABLE ONLY flag_text_bands ADD CONSTRAINT flag_text_bands_pkey PRIMARY KEY (band, text_id);
CREATE INDEX idx_flag_text_bands_text_id ON flag_text_bands USING btree (text_id);

ALTER TABLE campaigns ADD COLUMN flag_policy text DEFAULT ''::text NOT NULL;

-- +goose Down
ALTER TABLE campaigns DROP COLUMN flag_policy;
DROP TABLE flag_text_bands;
DROP TABLE flag_texts;
DROP TABLE flags;
