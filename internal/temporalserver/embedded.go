// Package temporalserver runs a single-process Temporal server with SQLite
// file persistence, so the product starts with one command and no cluster.
package temporalserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"

	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

// loopback is the only address the embedded server listens on: it is never
// exposed beyond this machine.
const loopback = "127.0.0.1"

const clusterName = "active"

// Options configure an embedded server.
type Options struct {
	// Dir holds the SQLite database, the port file and the server log.
	Dir string
	// Namespace is created on first start.
	Namespace string
	// FrontendPort is used on first start when non-zero; later starts reuse
	// the ports recorded in Dir.
	FrontendPort int
	// CacheSize bounds the workflows the history service keeps in memory
	// (0: DefaultCacheSize). Each open problem is a workflow that lives for
	// months; past the bound, a workflow's state is read back from the
	// database when it next runs.
	CacheSize int
}

// DefaultCacheSize is the history cache bound unless configured.
const DefaultCacheSize = 1000

// eventsCacheBytes bounds the history service's cache of history events
// (Temporal's default is 256 MiB, sized for a dedicated cluster host).
const eventsCacheBytes = 32 << 20

// Server is a running embedded Temporal server.
type Server struct {
	server  temporal.Server
	address string
}

// Ports are the fixed ports of every service. They are recorded in the data
// directory because a restart on new ports makes history wait for the old
// hosts to expire before it serves again.
type Ports struct {
	Frontend     int `json:"frontend"`
	FrontendHTTP int `json:"frontend_http"`
	History      int `json:"history"`
	Matching     int `json:"matching"`
	Worker       int `json:"worker"`
}

// Start creates the database and namespace if needed and starts all services.
func Start(opts Options) (*Server, error) {
	if opts.Dir == "" || opts.Namespace == "" {
		return nil, errors.New("temporalserver: Dir and Namespace are required")
	}
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("create temporal dir: %w", err)
	}
	ports, err := loadOrAllocatePorts(filepath.Join(opts.Dir, "ports.json"), opts.FrontendPort)
	if err != nil {
		return nil, err
	}

	sqlConf := &config.SQL{
		PluginName:   sqliteplugin.PluginName,
		DatabaseName: filepath.Join(opts.Dir, "temporal.db"),
		ConnectAttributes: map[string]string{
			"mode":          "rwc",
			"_journal_mode": "wal",
			"_synchronous":  "2",
		},
	}
	if _, err := os.Stat(sqlConf.DatabaseName); errors.Is(err, os.ErrNotExist) {
		if err := sqliteschema.SetupSchema(sqlConf); err != nil {
			return nil, fmt.Errorf("set up temporal schema: %w", err)
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, nil)
	if err != nil {
		return nil, fmt.Errorf("namespace config: %w", err)
	}
	if err := sqliteschema.CreateNamespaces(sqlConf, ns); err != nil {
		return nil, fmt.Errorf("create namespace: %w", err)
	}

	cacheSize := opts.CacheSize
	if cacheSize <= 0 {
		cacheSize = DefaultCacheSize
	}
	conf := buildConfig(sqlConf, ports)
	logger := log.NewZapLogger(log.BuildZapLogger(log.Config{
		Level:      "warn",
		OutputFile: filepath.Join(opts.Dir, "temporal.log"),
	}))
	authorizer, err := authorization.GetAuthorizerFromConfig(&conf.Global.Authorization)
	if err != nil {
		return nil, fmt.Errorf("authorizer: %w", err)
	}
	claimMapper, err := authorization.GetClaimMapperFromConfig(&conf.Global.Authorization, logger)
	if err != nil {
		return nil, fmt.Errorf("claim mapper: %w", err)
	}
	hostPort := func(p int) static.Hosts { return static.SingleLocalHost(net.JoinHostPort(loopback, strconv.Itoa(p))) }
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(map[primitives.ServiceName]static.Hosts{
			primitives.FrontendService: hostPort(ports.Frontend),
			primitives.HistoryService:  hostPort(ports.History),
			primitives.MatchingService: hostPort(ports.Matching),
			primitives.WorkerService:   hostPort(ports.Worker),
		}),
		temporal.WithLogger(logger),
		temporal.WithAuthorizer(authorizer),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper { return claimMapper }),
		temporal.WithDynamicConfigClient(dynamicconfig.StaticClient{
			dynamicconfig.HistoryCacheHostLevelMaxSize.Key():     cacheSize,
			dynamicconfig.EventsHostLevelCacheMaxSizeBytes.Key(): eventsCacheBytes,
		}),
	)
	if err != nil {
		return nil, fmt.Errorf("new temporal server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("start temporal server: %w", err)
	}
	return &Server{server: srv, address: net.JoinHostPort(loopback, strconv.Itoa(ports.Frontend))}, nil
}

// Address is the frontend host:port for clients.
func (s *Server) Address() string { return s.address }

// Stop stops all services.
func (s *Server) Stop() error { return s.server.Stop() }

func buildConfig(sqlConf *config.SQL, ports Ports) *config.Config {
	var conf config.Config
	conf.Global.Membership.MaxJoinDuration = 30_000_000_000 // 30s
	conf.Global.Membership.BroadcastAddress = loopback
	conf.Persistence.DefaultStore = "sqlite-default"
	conf.Persistence.VisibilityStore = "sqlite-default"
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{"sqlite-default": {SQL: sqlConf}}
	frontend := net.JoinHostPort(loopback, strconv.Itoa(ports.Frontend))
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend,
				HTTPAddress:            net.JoinHostPort(loopback, strconv.Itoa(ports.FrontendHTTP)),
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	service := func(grpcPort, httpPort int) config.Service {
		var s config.Service
		s.RPC.GRPCPort = grpcPort
		s.RPC.HTTPPort = httpPort
		s.RPC.BindOnIP = loopback
		return s
	}
	conf.Services = map[string]config.Service{
		"frontend": service(ports.Frontend, ports.FrontendHTTP),
		"history":  service(ports.History, 0),
		"matching": service(ports.Matching, 0),
		"worker":   service(ports.Worker, 0),
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontend
	return &conf
}

func loadOrAllocatePorts(path string, preferredFrontend int) (Ports, error) {
	var ports Ports
	data, err := os.ReadFile(path)
	if err == nil {
		if err := json.Unmarshal(data, &ports); err != nil {
			return Ports{}, fmt.Errorf("read %s: %w", path, err)
		}
		return ports, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return Ports{}, fmt.Errorf("read %s: %w", path, err)
	}
	if ports.Frontend, err = freePort(preferredFrontend); err != nil {
		return Ports{}, err
	}
	for _, p := range []*int{&ports.FrontendHTTP, &ports.History, &ports.Matching, &ports.Worker} {
		if *p, err = freePort(0); err != nil {
			return Ports{}, err
		}
	}
	data, _ = json.MarshalIndent(ports, "", "  ")
	if err := os.WriteFile(path, data, 0o640); err != nil {
		return Ports{}, fmt.Errorf("write %s: %w", path, err)
	}
	return ports, nil
}

// freePort returns preferred if it can be bound, else a port the kernel picks.
func freePort(preferred int) (int, error) {
	if preferred != 0 {
		if l, err := net.Listen("tcp", net.JoinHostPort(loopback, strconv.Itoa(preferred))); err == nil {
			_ = l.Close()
			return preferred, nil
		}
	}
	l, err := net.Listen("tcp", net.JoinHostPort(loopback, "0"))
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
