package api

import (
	"encoding"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3gen"
	"github.com/gin-gonic/gin"

	"github.com/rectify/rectify/internal/domain"
	"github.com/rectify/rectify/internal/service"
)

// operation describes one route for the OpenAPI document: what it takes
// and what it answers. Request and response shapes are Go values, so the
// document is generated from the very types the handlers use.
type operation struct {
	summary string
	query   []queryParam
	// body is the JSON request body (nil: none); multipart marks an upload.
	body      any
	multipart bool
	// idempotent: an Idempotency-Key header makes a retry apply once.
	idempotent bool
	status     int
	// result is the JSON response (nil: none); media is a non-JSON answer.
	result any
	media  []string
}

type queryParam struct {
	name, kind, description string
}

// operations is every route of routeAccess; TestOpenAPIRoutes fails when
// one is missing or one names a route that does not exist.
var operations = map[string]operation{
	"GET /healthz":                        {summary: "存活检查 (liveness)", status: 200, result: statusBody{}},
	"GET /readyz":                         {summary: "就绪检查：数据库与 Temporal 可用 (readiness)", status: 200, result: statusBody{}},
	"GET /api/v1/openapi.json":            {summary: "本接口说明 (this document)", status: 200, media: []string{"application/json"}},
	"GET /api/docs":                       {summary: "可读的接口说明页面 (this document, to read)", status: 200, media: []string{"text/html"}},
	"GET /api/docs/rapidoc-min.js":        {summary: "接口说明页面所用的查看器 (the page's viewer, RapiDoc)", status: 200, media: []string{"text/javascript"}},
	"POST /api/v1/auth/login":             {summary: "登录，取得令牌 (log in)", body: loginRequest{}, status: 200, result: loginResult{}},
	"POST /api/v1/auth/logout":            {summary: "退出登录 (log out)", status: 204},
	"GET /api/v1/me":                      {summary: "当前用户 (the signed-in user)", status: 200, result: domain.User{}},
	"POST /api/v1/me/password":            {summary: "修改密码 (change password)", body: passwordRequest{}, status: 204},
	"GET /api/v1/notifications":           {summary: "我的通知 (my notifications)", query: []queryParam{{"limit", "integer", "at most 500, default 100"}}, status: 200, result: notificationsBody{}},
	"POST /api/v1/notifications/:id/read": {summary: "标为已读 (mark read)", status: 204},

	"GET /api/v1/units":              {summary: "单位列表 (units)", status: 200, result: listBody[domain.Unit]{}},
	"POST /api/v1/units":             {summary: "新建单位 (create a unit)", body: unitRequest{}, status: 201, result: domain.Unit{}},
	"GET /api/v1/users":              {summary: "用户列表 (users)", status: 200, result: listBody[domain.User]{}},
	"POST /api/v1/users":             {summary: "新建用户 (create a user)", body: userRequest{}, status: 201, result: domain.User{}},
	"POST /api/v1/users/:id/disable": {summary: "停用用户 (disable a user)", status: 200, result: domain.User{}},
	"POST /api/v1/users/:id/enable":  {summary: "启用用户 (enable a user)", status: 200, result: domain.User{}},
	"PATCH /api/v1/users/:id":        {summary: "修改用户：姓名、角色、单位、单位内角色、邮箱 (edit a user)", body: userEditRequest{}, status: 200, result: domain.User{}},
	"POST /api/v1/users/:id/password-reset": {summary: "重置密码：指定新密码或生成临时密码，下次登录须修改 (reset a password; the user must change it at the next sign-in)",
		body: passwordResetRequest{}, status: 200, result: domain.PasswordReset{}},
	"GET /api/v1/admin/audit/verify":     {summary: "校验审计链 (verify the audit chain)", status: 200, result: domain.AuditReport{}},
	"GET /api/v1/api-tokens":             {summary: "接口令牌 (API tokens)", status: 200, result: apiTokensBody{}},
	"POST /api/v1/api-tokens":            {summary: "新建接口令牌 (create an API token)", body: domain.NewAPIToken{}, status: 201, result: createdAPIToken{}},
	"POST /api/v1/api-tokens/:id/revoke": {summary: "吊销接口令牌 (revoke an API token)", status: 200, result: domain.APIToken{}},

	"GET /api/v1/campaigns":               {summary: "整改任务列表 (campaigns)", status: 200, result: listBody[domain.Campaign]{}},
	"POST /api/v1/campaigns":              {summary: "新建整改任务 (create a campaign)", body: campaignRequest{}, status: 201, result: domain.Campaign{}},
	"GET /api/v1/campaigns/:id":           {summary: "整改任务及统计 (a campaign)", status: 200, result: domain.CampaignSummary{}},
	"POST /api/v1/campaigns/:id/problems": {summary: "新建问题 (create a problem)", body: problemRequest{}, status: 201, result: domain.Problem{}},
	"POST /api/v1/campaigns/:id/import": {summary: "导入台账或通报；dry_run=true 只预览 (import a ledger or a report)", multipart: true,
		query:  []queryParam{{"dry_run", "boolean", "preview only, write nothing"}, {"create_units", "boolean", "create units the ledger names"}, {"filename", "string", "the file's name when the body is the raw file"}},
		status: 201, result: service.ImportResult{}},
	"GET /api/v1/campaigns/:id/report": {summary: "整改进展通报 (the published report)", query: []queryParam{{"format", "string", "md (default), html or docx"}},
		status: 200, media: []string{"text/markdown", "text/html", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}},
	"GET /api/v1/campaigns/:id/ledger.xlsx":       {summary: "整改台账 (the ledger)", status: 200, media: []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
	"GET /api/v1/campaigns/:id/narrative":         {summary: "通报文字部分 (the report's narrative)", status: 200, result: domain.Narrative{}},
	"PUT /api/v1/campaigns/:id/narrative":         {summary: "保存通报文字部分 (save the narrative)", body: narrativeRequest{}, status: 200, result: domain.Narrative{}},
	"GET /api/v1/campaigns/:id/stats":             {summary: "统计 (statistics)", status: 200, result: domain.CampaignStats{}},
	"PUT /api/v1/campaigns/:id/schedule":          {summary: "定期调度设置 (report schedule)", body: scheduleRequest{}, status: 200, result: domain.Campaign{}},
	"POST /api/v1/campaigns/:id/schedule/trigger": {summary: "立即发起一轮调度 (start a report round now)", idempotent: true, status: 202, result: statusBody{}},

	"GET /api/v1/problems": {summary: "问题清单 (problems)", query: []queryParam{
		{"campaign_id", "integer", ""}, {"unit_id", "integer", ""}, {"stage", "string", "plan, execute, verify, closed"},
		{"light", "string", "red, yellow, green"}, {"offset", "integer", ""}, {"limit", "integer", "at most 500, default 50"},
	}, status: 200, result: listBody[domain.Problem]{}},
	"GET /api/v1/problems/:id":            {summary: "问题详情及进展 (a problem)", status: 200, result: problemDetail{}},
	"GET /api/v1/problems/:id/events":     {summary: "办理记录 (its events)", status: 200, result: listBody[domain.Event]{}},
	"GET /api/v1/problems/:id/evidence":   {summary: "佐证材料 (its evidence)", status: 200, result: listBody[domain.Evidence]{}},
	"GET /api/v1/problems/:id/outcomes":   {summary: "整改成效 (its outcomes)", status: 200, result: listBody[domain.Outcome]{}},
	"POST /api/v1/problems/:id/outcomes":  {summary: "登记整改成效 (add an outcome)", body: outcomeRequest{}, status: 201, result: domain.Outcome{}},
	"GET /api/v1/evidence/:eid":           {summary: "下载佐证材料 (download evidence)", status: 200, media: []string{"application/octet-stream"}},
	"POST /api/v1/evidence/:eid/withdraw": {summary: "撤回佐证材料 (withdraw evidence)", status: 200, result: domain.Evidence{}},
	"POST /api/v1/problems/:id/measures/:mid/evidence": {summary: "上传佐证材料 (upload evidence: file, or title and text)", multipart: true, idempotent: true,
		status: 201, result: domain.Evidence{}},
	"GET /api/v1/reviews/closures": {summary: "待核查销号 (closures to review)", query: []queryParam{{"campaign_id", "integer", ""}}, status: 200, result: listBody[service.ClosureReview]{}},

	"POST /api/v1/problems/:id/plan":                       {summary: "提交整改方案 (submit the plan)", body: planRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/plan/approve":               {summary: "批准方案 (approve the plan)", body: commentRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/plan/reject":                {summary: "退回方案 (reject the plan)", body: reasonRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/measures/:mid/acknowledge":  {summary: "确认长期措施 (acknowledge a long-term measure)", idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/measures/:mid/progress":     {summary: "报送进展 (report progress)", body: progressRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/measures/:mid/complete":     {summary: "措施完成 (complete a measure)", body: summaryRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/closure-request":            {summary: "申请销号 (request closure)", body: closureRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/closure/approve":            {summary: "核查通过，销号 (approve closure)", body: commentRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/closure/reject":             {summary: "核查不通过 (reject closure)", body: reasonRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/closure/endorse":            {summary: "单位负责人签字背书 (endorse a closure request)", body: commentRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/closure/return":             {summary: "单位负责人退回销号申请 (return a closure request)", body: reasonRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/assignment":                 {summary: "分办 (assign to a lead unit)", body: assignmentRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/measures/:mid/handler":      {summary: "指定经办人 (name a measure's handler)", body: handlerRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/reassignments":              {summary: "申请调整牵头单位 (ask to reassign)", body: reassignmentRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/reassignments/:rid/approve": {summary: "批准调整牵头单位 (approve a reassignment)", body: commentRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/reassignments/:rid/reject":  {summary: "不批准调整牵头单位 (reject a reassignment)", body: reasonRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/urge":                       {summary: "督办 (urge)", body: urgeRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/measures/:mid/extension-requests": {summary: "申请延期 (request an extension)", body: extensionRequest{}, idempotent: true,
		status: 201, result: extensionCreated{}},
	"POST /api/v1/problems/:id/measures/:mid/extension-requests/:rid/approve": {summary: "批准延期 (approve an extension)", body: commentRequest{}, idempotent: true, status: 200, result: domain.Problem{}},
	"POST /api/v1/problems/:id/measures/:mid/extension-requests/:rid/reject":  {summary: "不批准延期 (reject an extension)", body: reasonRequest{}, idempotent: true, status: 200, result: domain.Problem{}},

	"GET /api/v1/problems/:id/flags": {summary: "风险线索 (a problem's red flags)", status: 200, result: flagsBody{}},
	"GET /api/v1/campaigns/:id/flags": {summary: "整改任务的风险线索 (a campaign's red flags)", query: []queryParam{
		{"kind", "string", "evidence_reused, evidence_last_minute, text_only_closure, progress_jump, quick_approval, copied_text"},
		{"open", "boolean", "leave out dismissed flags"}, {"offset", "integer", ""}, {"limit", "integer", "at most 500, default 100"},
	}, status: 200, result: flagsBody{}},
	"POST /api/v1/flags/:fid/dismiss": {summary: "排除风险线索 (dismiss a red flag, with a reason)", body: dismissFlagRequest{}, idempotent: true, status: 200, result: flagItem{}},

	"POST /api/v1/lookbacks":                            {summary: "发起回头看 (start a look-back)", body: lookbackRequest{}, idempotent: true, status: 201, result: domain.Lookback{}},
	"GET /api/v1/lookbacks":                             {summary: "回头看列表 (look-backs)", status: 200, result: listBody[domain.Lookback]{}},
	"GET /api/v1/lookbacks/stats":                       {summary: "回头看统计 (look-back statistics)", query: []queryParam{{"campaign_id", "integer", ""}}, status: 200, result: listBody[domain.LookbackStats]{}},
	"GET /api/v1/lookbacks/:id":                         {summary: "回头看详情 (a look-back)", status: 200, result: domain.Lookback{}},
	"POST /api/v1/lookbacks/:id/problems/:pid/requests": {summary: "调阅材料 (request material)", body: textRequest{}, idempotent: true, status: 201, result: domain.Problem{}},
	"POST /api/v1/lookbacks/:id/problems/:pid/answers":  {summary: "报送调阅材料 (answer a request)", body: textRequest{}, idempotent: true, status: 201, result: domain.Problem{}},
	"POST /api/v1/lookbacks/:id/problems/:pid/conclude": {summary: "回头看结论 (conclude)", body: concludeRequest{}, idempotent: true, status: 200, result: domain.Problem{}},

	// Issue 18: the report checked before publishing; look-back sample sizes.
	"GET /api/v1/campaigns/:id/report/check": {summary: "通报发布前核对 (the report checked against the records)",
		query:  []queryParam{{"date", "string", "the report's date, YYYY-MM-DD (today by default)"}},
		status: 200, result: reportCheck{}},
	"GET /api/v1/lookbacks/sample-size": {summary: "回头看抽查数量 (how many to sample for a bound)",
		query:  []queryParam{{"population", "integer", "closed problems in the population"}, {"campaign_id", "integer", "or: a campaign's closed problems"}, {"bound", "number", "the 95% upper bound wanted on the share of unsound closures, e.g. 0.05"}},
		status: 200, result: service.SampleSize{}},
}

// statusBody is the answer of the health checks and of accepted work.
type statusBody struct {
	Status string `json:"status"`
}

type loginResult struct {
	Token string      `json:"token"`
	User  domain.User `json:"user"`
}

type notificationsBody struct {
	Items  []domain.Notification `json:"items"`
	Total  int64                 `json:"total"`
	Unread int64                 `json:"unread"`
}

type apiTokensBody struct {
	APITokens []domain.APIToken `json:"api_tokens"`
}

// extensionCreated is the new extension request and the problem after it.
type extensionCreated struct {
	ID               int64                  `json:"id"`
	MeasureID        int64                  `json:"measure_id"`
	Deadline         domain.Date            `json:"deadline"`
	PreviousDeadline domain.Date            `json:"previous_deadline"`
	Reason           string                 `json:"reason"`
	Status           domain.ExtensionStatus `json:"status"`
	RequestedBy      int64                  `json:"requested_by"`
	RequestedAt      time.Time              `json:"requested_at"`
	Problem          domain.Problem         `json:"problem"`
}

// openAPIDocument builds the document from the tables above; the server
// builds it once.
func openAPIDocument() ([]byte, error) {
	doc := &openapi3.T{
		OpenAPI: "3.1.0",
		Info: &openapi3.Info{
			Title:       "Rectify API",
			Version:     "v1",
			Description: "巡视整改工作平台接口。Sign in with POST /api/v1/auth/login and send `Authorization: Bearer <token>`. Every refusal has the shape of the Error schema; `message` is in Chinese unless `Accept-Language` asks for English.",
		},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: openapi3.Schemas{}, SecuritySchemes: openapi3.SecuritySchemes{}},
	}
	doc.Components.SecuritySchemes["bearer"] = &openapi3.SecuritySchemeRef{Value: openapi3.NewJWTSecurityScheme().WithBearerFormat("opaque")}
	gen := openapi3gen.NewGenerator(openapi3gen.UseAllExportedFields(), openapi3gen.SchemaCustomizer(customizeSchema))
	schema := func(v any) (*openapi3.SchemaRef, error) {
		return gen.NewSchemaRefForValue(v, nil)
	}
	// The two error shapes are components, so clients can name them.
	for name, v := range map[string]any{"Error": errorBody{}, "ImportError": importErrorBody{}} {
		ref, err := schema(v)
		if err != nil {
			return nil, err
		}
		doc.Components.Schemas[name] = ref
	}
	errRef := openapi3.NewSchemaRef("#/components/schemas/Error", nil)
	importErrRef := openapi3.NewSchemaRef("#/components/schemas/ImportError", nil)
	keys := make([]string, 0, len(operations))
	for k := range operations {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, key := range keys {
		op := operations[key]
		method, path, _ := strings.Cut(key, " ")
		o := &openapi3.Operation{Summary: op.summary, OperationID: operationID(method, path), Tags: []string{tagOf(path)}, Responses: openapi3.NewResponses()}
		o.Responses.Delete("default")
		if a := routeAccess[key]; !a.Public {
			o.Security = &openapi3.SecurityRequirements{{"bearer": []string{}}}
		}
		var segments []string
		for _, seg := range strings.Split(path, "/") {
			if name, ok := strings.CutPrefix(seg, ":"); ok {
				o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: openapi3.NewPathParameter(name).
					WithSchema(openapi3.NewInt64Schema().WithMin(1))})
				seg = "{" + name + "}"
			}
			segments = append(segments, seg)
		}
		for _, q := range op.query {
			p := openapi3.NewQueryParameter(q.name).WithDescription(q.description)
			switch q.kind {
			case "integer":
				p.Schema = openapi3.NewInt64Schema().NewRef()
			case "boolean":
				p.Schema = openapi3.NewBoolSchema().NewRef()
			default:
				p.Schema = openapi3.NewStringSchema().NewRef()
			}
			o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: p})
		}
		if op.idempotent {
			o.Parameters = append(o.Parameters, &openapi3.ParameterRef{Value: openapi3.NewHeaderParameter("Idempotency-Key").
				WithDescription("a retry with the same key applies once (at most 128 characters)").
				WithSchema(openapi3.NewStringSchema().WithMaxLength(128))})
		}
		switch {
		case op.multipart:
			form := openapi3.NewObjectSchema().
				WithProperty("file", openapi3.NewStringSchema().WithFormat("binary")).
				WithProperty("title", openapi3.NewStringSchema()).
				WithProperty("text", openapi3.NewStringSchema())
			o.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithContent(openapi3.Content{
				"multipart/form-data":      openapi3.NewMediaType().WithSchema(form),
				"application/octet-stream": openapi3.NewMediaType().WithSchema(openapi3.NewStringSchema().WithFormat("binary")),
			})}
		case op.body != nil:
			ref, err := schema(op.body)
			if err != nil {
				return nil, fmt.Errorf("openapi: %s body: %w", key, err)
			}
			o.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).WithJSONSchemaRef(ref)}
		}
		ok := openapi3.NewResponse().WithDescription(http.StatusText(op.status))
		switch {
		case op.result != nil:
			ref, err := schema(op.result)
			if err != nil {
				return nil, fmt.Errorf("openapi: %s result: %w", key, err)
			}
			ok.WithJSONSchemaRef(ref)
		case len(op.media) > 0:
			content := openapi3.Content{}
			for _, m := range op.media {
				content[m] = openapi3.NewMediaType().WithSchema(openapi3.NewStringSchema().WithFormat("binary"))
			}
			ok.WithContent(content)
		}
		o.AddResponse(op.status, ok)
		if key == "POST /api/v1/campaigns/:id/import" {
			// A dry run writes nothing and answers 200.
			o.AddResponse(http.StatusOK, openapi3.NewResponse().WithDescription("dry run, or nothing new").WithJSONSchemaRef(o.Responses.Status(201).Value.Content.Get("application/json").Schema))
			o.AddResponse(http.StatusBadRequest, openapi3.NewResponse().WithDescription("the file was refused; rows say why").WithJSONSchemaRef(importErrRef))
		}
		o.Responses.Set("default", &openapi3.ResponseRef{Value: openapi3.NewResponse().
			WithDescription("a refusal: code maps to the status (invalid 400, unauthorized 401, forbidden 403, not_found 404, conflict 409, too_large 413, unsupported_media_type 415, too_many_requests 429, unavailable 503, internal 500)").
			WithJSONSchemaRef(errRef)})
		doc.AddOperation("/"+strings.Join(segments[1:], "/"), method, o)
	}
	return json.MarshalIndent(doc, "", "  ")
}

// tagOf groups a route by what it is about, as the reference lists them.
func tagOf(path string) string {
	for _, t := range []struct{ prefix, tag string }{
		{"/api/v1/auth", "账户与通知 (account)"}, {"/api/v1/me", "账户与通知 (account)"}, {"/api/v1/notifications", "账户与通知 (account)"},
		{"/api/v1/units", "管理 (administration)"}, {"/api/v1/users", "管理 (administration)"},
		{"/api/v1/api-tokens", "管理 (administration)"}, {"/api/v1/admin", "管理 (administration)"},
		{"/api/v1/campaigns", "整改任务 (campaigns)"},
		{"/api/v1/problems", "问题办理 (problems)"}, {"/api/v1/evidence", "问题办理 (problems)"}, {"/api/v1/reviews", "问题办理 (problems)"},
		{"/api/v1/lookbacks", "回头看 (look-backs)"},
	} {
		if strings.HasPrefix(path, t.prefix) {
			return t.tag
		}
	}
	return "系统 (system)"
}

func operationID(method, path string) string {
	var b strings.Builder
	b.WriteString(strings.ToLower(method))
	for _, seg := range strings.FieldsFunc(strings.TrimPrefix(path, "/api/v1"), func(r rune) bool { return r == '/' || r == '-' || r == '.' }) {
		seg = strings.TrimPrefix(seg, ":")
		b.WriteString(strings.ToUpper(seg[:1]) + seg[1:])
	}
	return b.String()
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
)

// customizeSchema fits the generated schemas to what encoding/json writes:
// nil slices, maps and pointers are null, and a type with its own JSON
// form (a policy's durations, an ID given as number or string) is described
// by its fields' meaning, not its Go layout.
func customizeSchema(_ string, t reflect.Type, tag reflect.StructTag, schema *openapi3.Schema) error {
	if t == timeType {
		return nil
	}
	if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonUnmarshaler) || t.Implements(textMarshaler) {
		*schema = openapi3.Schema{}
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		// Strict: every field without omitempty is always written, and
		// nothing else is.
		schema.Required = requiredFields(t)
		no := false
		schema.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
	case reflect.Slice, reflect.Map, reflect.Pointer:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return nil
		}
		if len(schema.Type.Slice()) == 1 {
			schema.Type = &openapi3.Types{schema.Type.Slice()[0], "null"}
		}
	}
	if name, _, _ := strings.Cut(tag.Get("json"), ","); name == "-" {
		return &openapi3gen.ExcludeSchemaSentinel{}
	}
	return nil
}

// requiredFields are the JSON names of t's fields that encoding/json always
// writes, embedded structs' fields included.
func requiredFields(t reflect.Type) []string {
	var names []string
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct {
			names = append(names, requiredFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		if !slices.Contains(strings.Split(opts, ","), "omitempty") && !slices.Contains(strings.Split(opts, ","), "omitzero") {
			names = append(names, name)
		}
	}
	return names
}

// getOpenAPI answers the document: GET /api/v1/openapi.json.
func (s *Server) getOpenAPI(c *gin.Context) {
	if s.openAPIErr != nil {
		s.renderError(c, s.openAPIErr)
		return
	}
	c.Header("Cache-Control", "no-cache")
	c.Data(http.StatusOK, "application/json; charset=utf-8", s.openAPI)
}
