-- A database as the gorm AutoMigrate code left it before versioned
-- migrations (no goose table), with a few rows: the migration test adopts it.
CREATE TABLE api_tokens (
    id bigint NOT NULL,
    name character varying(200) NOT NULL,
    user_id bigint NOT NULL,
    token_hash character varying(64) NOT NULL,
    created_by bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone
);

CREATE SEQUENCE api_tokens_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE api_tokens_id_seq OWNED BY api_tokens.id;

CREATE TABLE audit_heads (
    campaign_id bigint NOT NULL,
    "position" bigint DEFAULT 0 NOT NULL,
    hash character varying(64) DEFAULT ''::character varying NOT NULL
);

CREATE TABLE campaign_narratives (
    campaign_id bigint NOT NULL,
    organization text DEFAULT ''::text NOT NULL,
    next_steps text DEFAULT ''::text NOT NULL,
    contact text DEFAULT ''::text NOT NULL,
    updated_by bigint DEFAULT 0 NOT NULL,
    updated_at timestamp with time zone
);

CREATE TABLE campaigns (
    id bigint NOT NULL,
    title character varying(500) NOT NULL,
    inspected_body character varying(200) DEFAULT ''::character varying NOT NULL,
    inspection_team character varying(200) DEFAULT ''::character varying NOT NULL,
    inspection_start character varying(10) DEFAULT ''::character varying NOT NULL,
    inspection_end character varying(10) DEFAULT ''::character varying NOT NULL,
    feedback_date character varying(10) DEFAULT ''::character varying NOT NULL,
    warning_window_s bigint DEFAULT 0 NOT NULL,
    ack_window_s bigint DEFAULT 0 NOT NULL,
    review_window_s bigint DEFAULT 0 NOT NULL,
    repeat_every_s bigint DEFAULT 0 NOT NULL,
    escalate_after_s bigint DEFAULT 0 NOT NULL,
    report_cadence character varying(64) DEFAULT ''::character varying NOT NULL,
    report_due_days bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE campaigns_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE campaigns_id_seq OWNED BY campaigns.id;

CREATE TABLE deliveries (
    id bigint NOT NULL,
    key character varying(200) NOT NULL,
    channel character varying(16) NOT NULL,
    target character varying(320) NOT NULL,
    status character varying(16) NOT NULL,
    attempts bigint DEFAULT 0 NOT NULL,
    last_error character varying(1000) DEFAULT ''::character varying NOT NULL,
    sent_at timestamp with time zone,
    created_at timestamp with time zone
);

CREATE SEQUENCE deliveries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE deliveries_id_seq OWNED BY deliveries.id;

CREATE TABLE events (
    id bigint NOT NULL,
    problem_id bigint NOT NULL,
    seq bigint NOT NULL,
    request_id character varying(200) DEFAULT ''::character varying NOT NULL,
    action character varying(32) NOT NULL,
    actor_id bigint NOT NULL,
    actor_name character varying(64) NOT NULL,
    actor_role character varying(16) NOT NULL,
    actor_unit bigint DEFAULT 0 NOT NULL,
    from_stage character varying(16) DEFAULT ''::character varying NOT NULL,
    to_stage character varying(16) DEFAULT ''::character varying NOT NULL,
    measure_id bigint DEFAULT 0 NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    payload text DEFAULT ''::text NOT NULL,
    at timestamp with time zone,
    chain_pos bigint DEFAULT 0 NOT NULL,
    prev_hash character varying(64) DEFAULT ''::character varying NOT NULL,
    hash character varying(64) DEFAULT ''::character varying NOT NULL
);

CREATE SEQUENCE events_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE events_id_seq OWNED BY events.id;

CREATE TABLE evidence (
    id bigint NOT NULL,
    problem_id bigint NOT NULL,
    measure_id bigint NOT NULL,
    title character varying(500) NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    sha256 character varying(64) DEFAULT ''::character varying NOT NULL,
    original_name character varying(500) DEFAULT ''::character varying NOT NULL,
    size bigint DEFAULT 0 NOT NULL,
    content_type character varying(200) DEFAULT ''::character varying NOT NULL,
    uploaded_by bigint NOT NULL,
    uploader_name character varying(64) NOT NULL,
    unit_id bigint DEFAULT 0 NOT NULL,
    withdrawn_at timestamp with time zone,
    created_at timestamp with time zone
);

CREATE SEQUENCE evidence_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE evidence_id_seq OWNED BY evidence.id;

CREATE TABLE lookback_problems (
    lookback_id bigint NOT NULL,
    problem_id bigint NOT NULL,
    campaign_id bigint NOT NULL,
    lead_unit_id bigint DEFAULT 0 NOT NULL,
    status character varying(16) NOT NULL,
    result character varying(16) DEFAULT ''::character varying NOT NULL,
    finding text DEFAULT ''::text NOT NULL,
    reason text DEFAULT ''::text NOT NULL,
    concluded_at timestamp with time zone,
    concluded_by bigint DEFAULT 0 NOT NULL
);

CREATE TABLE lookbacks (
    id bigint NOT NULL,
    title character varying(500) NOT NULL,
    campaign_id bigint DEFAULT 0 NOT NULL,
    scope text NOT NULL,
    seed bigint DEFAULT 0 NOT NULL,
    due_date character varying(10) NOT NULL,
    reviewer_ids character varying(1000) DEFAULT ''::character varying NOT NULL,
    created_by bigint NOT NULL,
    idem_key character varying(200),
    created_at timestamp with time zone
);

CREATE SEQUENCE lookbacks_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE lookbacks_id_seq OWNED BY lookbacks.id;

CREATE TABLE measures (
    problem_id bigint NOT NULL,
    measure_id bigint NOT NULL,
    title text NOT NULL,
    kind character varying(16) NOT NULL,
    lead_unit_id bigint NOT NULL,
    co_unit_ids character varying(1000) DEFAULT ''::character varying NOT NULL,
    responsible_leader character varying(200) DEFAULT ''::character varying NOT NULL,
    deadline character varying(10) DEFAULT ''::character varying NOT NULL,
    original_deadline character varying(10) DEFAULT ''::character varying NOT NULL,
    report_due character varying(10) DEFAULT ''::character varying NOT NULL,
    extension_count bigint DEFAULT 0 NOT NULL,
    acknowledged boolean DEFAULT false NOT NULL,
    acknowledged_at timestamp with time zone,
    completed boolean DEFAULT false NOT NULL,
    completed_at timestamp with time zone,
    completion_summary text DEFAULT ''::text NOT NULL,
    progress_count bigint DEFAULT 0 NOT NULL,
    latest_progress text DEFAULT ''::text NOT NULL,
    latest_percent bigint,
    latest_progress_at timestamp with time zone
);

CREATE TABLE notifications (
    id bigint NOT NULL,
    key character varying(200) NOT NULL,
    user_id bigint NOT NULL,
    kind character varying(32) NOT NULL,
    problem_id bigint DEFAULT 0 NOT NULL,
    measure_id bigint DEFAULT 0 NOT NULL,
    message text NOT NULL,
    read_at timestamp with time zone,
    created_at timestamp with time zone
);

CREATE SEQUENCE notifications_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE notifications_id_seq OWNED BY notifications.id;

CREATE TABLE outcomes (
    id bigint NOT NULL,
    problem_id bigint NOT NULL,
    measure_id bigint DEFAULT 0 NOT NULL,
    kind character varying(16) NOT NULL,
    name character varying(500) DEFAULT ''::character varying NOT NULL,
    doc_number character varying(200) DEFAULT ''::character varying NOT NULL,
    date character varying(10) DEFAULT ''::character varying NOT NULL,
    amount numeric DEFAULT 0 NOT NULL,
    count bigint DEFAULT 0 NOT NULL,
    unit character varying(50) DEFAULT ''::character varying NOT NULL,
    created_by bigint NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE outcomes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE outcomes_id_seq OWNED BY outcomes.id;

CREATE TABLE problem_units (
    problem_id bigint NOT NULL,
    unit_id bigint NOT NULL
);

CREATE TABLE problems (
    id bigint NOT NULL,
    campaign_id bigint NOT NULL,
    number bigint NOT NULL,
    section character varying(500) DEFAULT ''::character varying NOT NULL,
    parent_number bigint DEFAULT 0 NOT NULL,
    parent_title character varying(500) DEFAULT ''::character varying NOT NULL,
    title character varying(500) NOT NULL,
    description text DEFAULT ''::text NOT NULL,
    stage character varying(16) NOT NULL,
    lead_unit_id bigint DEFAULT 0 NOT NULL,
    version bigint DEFAULT 0 NOT NULL,
    plan_submitted_by bigint DEFAULT 0 NOT NULL,
    next_measure_id bigint DEFAULT 0 NOT NULL,
    closed_at timestamp with time zone,
    stage_since timestamp with time zone,
    yellow_at timestamp with time zone,
    red_at timestamp with time zone,
    next_extension_id bigint DEFAULT 0 NOT NULL,
    extensions text DEFAULT ''::text NOT NULL,
    policy text DEFAULT ''::text NOT NULL,
    closure text DEFAULT ''::text NOT NULL,
    workflow_started boolean DEFAULT false NOT NULL,
    lookback_id bigint DEFAULT 0 NOT NULL,
    lookback_due character varying(10) DEFAULT ''::character varying NOT NULL,
    measure_count bigint DEFAULT 0 NOT NULL,
    extensions_granted bigint DEFAULT 0 NOT NULL,
    created_at timestamp with time zone,
    updated_at timestamp with time zone
);

CREATE SEQUENCE problems_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE problems_id_seq OWNED BY problems.id;

CREATE TABLE progress_entries (
    id bigint NOT NULL,
    problem_id bigint NOT NULL,
    seq bigint NOT NULL,
    measure_id bigint NOT NULL,
    user_id bigint NOT NULL,
    username character varying(64) NOT NULL,
    unit_id bigint DEFAULT 0 NOT NULL,
    text text NOT NULL,
    percent bigint,
    created_at timestamp with time zone
);

CREATE SEQUENCE progress_entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE progress_entries_id_seq OWNED BY progress_entries.id;

CREATE TABLE sessions (
    token_hash character varying(64) NOT NULL,
    user_id bigint NOT NULL,
    expires_at timestamp with time zone NOT NULL,
    revoked_at timestamp with time zone,
    created_at timestamp with time zone
);

CREATE TABLE settings (
    name character varying(100) NOT NULL,
    value text NOT NULL
);

CREATE TABLE units (
    id bigint NOT NULL,
    name character varying(200) NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE units_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE units_id_seq OWNED BY units.id;

CREATE TABLE users (
    id bigint NOT NULL,
    username character varying(64) NOT NULL,
    password_hash character varying(255) NOT NULL,
    display_name character varying(200) NOT NULL,
    role character varying(16) NOT NULL,
    unit_id bigint DEFAULT 0 NOT NULL,
    email character varying(320) DEFAULT ''::character varying NOT NULL,
    disabled boolean DEFAULT false NOT NULL,
    created_at timestamp with time zone
);

CREATE SEQUENCE users_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;

ALTER SEQUENCE users_id_seq OWNED BY users.id;

ALTER TABLE ONLY api_tokens ALTER COLUMN id SET DEFAULT nextval('api_tokens_id_seq'::regclass);

ALTER TABLE ONLY campaigns ALTER COLUMN id SET DEFAULT nextval('campaigns_id_seq'::regclass);

ALTER TABLE ONLY deliveries ALTER COLUMN id SET DEFAULT nextval('deliveries_id_seq'::regclass);

ALTER TABLE ONLY events ALTER COLUMN id SET DEFAULT nextval('events_id_seq'::regclass);

ALTER TABLE ONLY evidence ALTER COLUMN id SET DEFAULT nextval('evidence_id_seq'::regclass);

ALTER TABLE ONLY lookbacks ALTER COLUMN id SET DEFAULT nextval('lookbacks_id_seq'::regclass);

ALTER TABLE ONLY notifications ALTER COLUMN id SET DEFAULT nextval('notifications_id_seq'::regclass);

ALTER TABLE ONLY outcomes ALTER COLUMN id SET DEFAULT nextval('outcomes_id_seq'::regclass);

ALTER TABLE ONLY problems ALTER COLUMN id SET DEFAULT nextval('problems_id_seq'::regclass);

ALTER TABLE ONLY progress_entries ALTER COLUMN id SET DEFAULT nextval('progress_entries_id_seq'::regclass);

ALTER TABLE ONLY units ALTER COLUMN id SET DEFAULT nextval('units_id_seq'::regclass);

ALTER TABLE ONLY users ALTER COLUMN id SET DEFAULT nextval('users_id_seq'::regclass);

INSERT INTO campaigns VALUES (1, '2026年第一轮巡察', '', '', '', '', '', 0, 0, 0, 0, 0, '', 0, '2026-03-02 09:00:00+00');

INSERT INTO events VALUES (1, 1, 2, 'req-1', 'submit_plan', 1, 'admin', 'admin', 0, '', '', 0, '', '', '2026-03-02 09:00:00+00', 0, '', '');

INSERT INTO measures VALUES (1, 1, '修订完善制度规范', 'deadline', 1, '', '', '2026-06-30', '', '', 0, false, NULL, false, NULL, '', 0, '', NULL, NULL);

INSERT INTO problems VALUES (1, 1, 3, '一、党的领导', 2, '落实主体责任不到位', '制度执行不严', '', 'execute', 1, 4, 0, 0, NULL, NULL, NULL, NULL, 0, '', '', '', false, 0, '', 1, 0, '2026-03-02 09:00:00+00', '2026-03-02 09:00:00+00');

INSERT INTO settings VALUES ('audit_chain', 'v1');

INSERT INTO units VALUES (1, '市纪委监委', '2026-03-02 09:00:00+00');

SELECT pg_catalog.setval('api_tokens_id_seq', 1, false);

SELECT pg_catalog.setval('campaigns_id_seq', 1, true);

SELECT pg_catalog.setval('deliveries_id_seq', 1, false);

SELECT pg_catalog.setval('events_id_seq', 1, true);

SELECT pg_catalog.setval('evidence_id_seq', 1, false);

SELECT pg_catalog.setval('lookbacks_id_seq', 1, false);

SELECT pg_catalog.setval('notifications_id_seq', 1, false);

SELECT pg_catalog.setval('outcomes_id_seq', 1, false);

SELECT pg_catalog.setval('problems_id_seq', 1, true);

SELECT pg_catalog.setval('progress_entries_id_seq', 1, false);

SELECT pg_catalog.setval('units_id_seq', 1, true);

SELECT pg_catalog.setval('users_id_seq', 1, false);

ALTER TABLE ONLY api_tokens
    ADD CONSTRAINT api_tokens_pkey PRIMARY KEY (id);

ALTER TABLE ONLY audit_heads
    ADD CONSTRAINT audit_heads_pkey PRIMARY KEY (campaign_id);

ALTER TABLE ONLY campaign_narratives
    ADD CONSTRAINT campaign_narratives_pkey PRIMARY KEY (campaign_id);

ALTER TABLE ONLY campaigns
    ADD CONSTRAINT campaigns_pkey PRIMARY KEY (id);

ALTER TABLE ONLY deliveries
    ADD CONSTRAINT deliveries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY events
    ADD CONSTRAINT events_pkey PRIMARY KEY (id);

ALTER TABLE ONLY evidence
    ADD CONSTRAINT evidence_pkey PRIMARY KEY (id);

ALTER TABLE ONLY lookback_problems
    ADD CONSTRAINT lookback_problems_pkey PRIMARY KEY (lookback_id, problem_id);

ALTER TABLE ONLY lookbacks
    ADD CONSTRAINT lookbacks_pkey PRIMARY KEY (id);

ALTER TABLE ONLY measures
    ADD CONSTRAINT measures_pkey PRIMARY KEY (problem_id, measure_id);

ALTER TABLE ONLY notifications
    ADD CONSTRAINT notifications_pkey PRIMARY KEY (id);

ALTER TABLE ONLY outcomes
    ADD CONSTRAINT outcomes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY problem_units
    ADD CONSTRAINT problem_units_pkey PRIMARY KEY (problem_id, unit_id);

ALTER TABLE ONLY problems
    ADD CONSTRAINT problems_pkey PRIMARY KEY (id);

ALTER TABLE ONLY progress_entries
    ADD CONSTRAINT progress_entries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY sessions
    ADD CONSTRAINT sessions_pkey PRIMARY KEY (token_hash);

ALTER TABLE ONLY settings
    ADD CONSTRAINT settings_pkey PRIMARY KEY (name);

ALTER TABLE ONLY units
    ADD CONSTRAINT units_pkey PRIMARY KEY (id);

ALTER TABLE ONLY users
    ADD CONSTRAINT users_pkey PRIMARY KEY (id);

CREATE UNIQUE INDEX idx_api_tokens_token_hash ON api_tokens USING btree (token_hash);

CREATE INDEX idx_api_tokens_user_id ON api_tokens USING btree (user_id);

CREATE INDEX idx_deliveries_status ON deliveries USING btree (status);

CREATE UNIQUE INDEX idx_delivery_key ON deliveries USING btree (key, channel, target);

CREATE UNIQUE INDEX idx_event_seq ON events USING btree (problem_id, seq);

CREATE INDEX idx_events_chain_pos ON events USING btree (chain_pos);

CREATE INDEX idx_evidence_measure ON evidence USING btree (problem_id, measure_id);

CREATE INDEX idx_evidence_sha256 ON evidence USING btree (sha256);

CREATE INDEX idx_lookback_problems_campaign_id ON lookback_problems USING btree (campaign_id);

CREATE INDEX idx_lookback_problems_problem_id ON lookback_problems USING btree (problem_id);

CREATE INDEX idx_lookbacks_campaign_id ON lookbacks USING btree (campaign_id);

CREATE UNIQUE INDEX idx_lookbacks_idem_key ON lookbacks USING btree (idem_key);

CREATE INDEX idx_measures_lead_unit_id ON measures USING btree (lead_unit_id);

CREATE INDEX idx_notification_inbox ON notifications USING btree (user_id, created_at);

CREATE UNIQUE INDEX idx_notification_key ON notifications USING btree (key, user_id);

CREATE INDEX idx_outcomes_problem_id ON outcomes USING btree (problem_id);

CREATE UNIQUE INDEX idx_problem_number ON problems USING btree (campaign_id, number);

CREATE INDEX idx_problem_units_unit_id ON problem_units USING btree (unit_id);

CREATE INDEX idx_problems_lead_unit_id ON problems USING btree (lead_unit_id);

CREATE INDEX idx_problems_red_at ON problems USING btree (red_at);

CREATE INDEX idx_problems_stage ON problems USING btree (stage);

CREATE INDEX idx_problems_yellow_at ON problems USING btree (yellow_at);

CREATE UNIQUE INDEX idx_progress_seq ON progress_entries USING btree (problem_id, seq);

CREATE INDEX idx_sessions_user_id ON sessions USING btree (user_id);

CREATE UNIQUE INDEX idx_units_name ON units USING btree (name);

CREATE INDEX idx_users_unit_id ON users USING btree (unit_id);

CREATE UNIQUE INDEX idx_users_username ON users USING btree (username);
