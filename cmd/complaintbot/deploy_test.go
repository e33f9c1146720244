package main

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// repoRoot is the repository's top folder, from this package's folder.
const repoRoot = "../.."

// TestDockerfile checks the Dockerfile without Docker: two stages, a static
// build of this command, a non-root user, a healthcheck on /readyz through
// the healthcheck sub-command, and that what it copies exists and is not
// left out of the build context by .dockerignore.
func TestDockerfile(t *testing.T) {
	f, err := os.Open(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var froms, copies []string
	var user, health, build string
	sc := bufio.NewScanner(f)
	var line string
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(l, "#") || l == "" {
			continue
		}
		if strings.HasSuffix(l, "\\") {
			line += strings.TrimSuffix(l, "\\") + " "
			continue
		}
		line += l
		word, rest, _ := strings.Cut(line, " ")
		switch strings.ToUpper(word) {
		case "FROM":
			froms = append(froms, rest)
		case "COPY":
			if !strings.HasPrefix(rest, "--from") {
				fields := strings.Fields(rest)
				copies = append(copies, fields[:len(fields)-1]...)
			}
		case "USER":
			user = rest
		case "HEALTHCHECK":
			health = rest
		case "RUN":
			if strings.Contains(rest, "go build") {
				build = rest
			}
		case "ENV", "WORKDIR", "EXPOSE", "ENTRYPOINT", "CMD", "ARG":
		default:
			t.Errorf("unknown Dockerfile instruction %q", word)
		}
		line = ""
	}
	if len(froms) != 2 || !strings.Contains(froms[0], " AS build") {
		t.Errorf("stages %v, want a build stage and a runtime stage", froms)
	}
	if user == "" || strings.HasPrefix(user, "root") || strings.HasPrefix(user, "0") {
		t.Errorf("USER %q, want a non-root user", user)
	}
	if !strings.Contains(health, "healthcheck") || !strings.Contains(health, "/readyz") {
		t.Errorf("HEALTHCHECK %q, want the healthcheck sub-command on /readyz", health)
	}
	if !strings.Contains(build, "CGO_ENABLED=0") || !strings.Contains(build, "./cmd/complaintbot") {
		t.Errorf("build %q, want a static build of ./cmd/complaintbot", build)
	}
	ignored := dockerignore(t)
	for _, c := range copies {
		if c == "." {
			continue
		}
		if _, err := os.Stat(filepath.Join(repoRoot, c)); err != nil {
			t.Errorf("COPY %s: %v", c, err)
		}
		if slices.Contains(ignored, c) {
			t.Errorf("COPY %s, but .dockerignore leaves it out", c)
		}
	}
	for _, needed := range []string{"go.mod", "go.sum", "cmd", "bot", "flows", "scheduler"} {
		if slices.Contains(ignored, needed) {
			t.Errorf(".dockerignore leaves out %s, which the build needs", needed)
		}
	}
}

func dockerignore(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, ".dockerignore"))
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestComposeFile parses docker-compose.yml: Redis with AOF on and its data
// on a named volume, the bot built from the Dockerfile, on Redis, with
// TEAM_TOKEN required (the address is public), JSON logs and a healthcheck
// on /readyz.
func TestComposeFile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Services map[string]struct {
			Image       string            `yaml:"image"`
			Build       string            `yaml:"build"`
			Command     []string          `yaml:"command"`
			Environment map[string]string `yaml:"environment"`
			Volumes     []string          `yaml:"volumes"`
			Ports       []string          `yaml:"ports"`
			DependsOn   map[string]struct {
				Condition string `yaml:"condition"`
			} `yaml:"depends_on"`
			Healthcheck struct {
				Test        []string `yaml:"test"`
				Interval    string   `yaml:"interval"`
				Timeout     string   `yaml:"timeout"`
				StartPeriod string   `yaml:"start_period"`
				Retries     int      `yaml:"retries"`
			} `yaml:"healthcheck"`
			Restart string `yaml:"restart"`
		} `yaml:"services"`
		Volumes map[string]any `yaml:"volumes"`
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	r, bot := c.Services["redis"], c.Services["complaintbot"]
	if !strings.HasPrefix(r.Image, "redis:") || !slices.Contains(r.Command, "--appendonly") ||
		r.Command[slices.Index(r.Command, "--appendonly")+1] != "yes" {
		t.Errorf("redis: image %q command %v, want redis with --appendonly yes", r.Image, r.Command)
	}
	if len(r.Volumes) != 1 || !strings.HasSuffix(r.Volumes[0], ":/data") {
		t.Errorf("redis volumes %v, want its /data on a volume", r.Volumes)
	}
	vol, _, _ := strings.Cut(r.Volumes[0], ":")
	if _, ok := c.Volumes[vol]; !ok {
		t.Errorf("volume %q is not declared", vol)
	}
	if bot.Build != "." || bot.Image == "" || bot.Restart == "" {
		t.Errorf("complaintbot: build %q image %q restart %q", bot.Build, bot.Image, bot.Restart)
	}
	if bot.DependsOn["redis"].Condition != "service_healthy" || !strings.HasPrefix(bot.Environment["REDIS_URL"], "redis://redis:6379") {
		t.Errorf("complaintbot does not wait for and use redis: %+v %q", bot.DependsOn, bot.Environment["REDIS_URL"])
	}
	if !strings.Contains(bot.Environment["TEAM_TOKEN"], ":?") || bot.Environment["LOG_FORMAT"] != "json" {
		t.Errorf("TEAM_TOKEN %q (want required) LOG_FORMAT %q", bot.Environment["TEAM_TOKEN"], bot.Environment["LOG_FORMAT"])
	}
	if !slices.Contains(bot.Healthcheck.Test, "healthcheck") || !slices.ContainsFunc(bot.Healthcheck.Test, func(s string) bool { return strings.Contains(s, "/readyz") }) {
		t.Errorf("healthcheck %v", bot.Healthcheck.Test)
	}
	for k := range bot.Environment {
		if !slices.ContainsFunc(settings, func(s setting) bool { return s.Env == k }) {
			t.Errorf("compose sets %s, which is not a setting", k)
		}
	}
}

// TestHealthcheckCommand: the container's healthcheck asks /readyz of the
// bot on WEB_ADDR (over loopback when it listens on every interface) and
// fails when nothing answers.
func TestHealthcheckCommand(t *testing.T) {
	b := startBot(t, map[string]string{"WEB_ADDR": "127.0.0.1:0"})
	var out, errOut syncBuffer
	if err := run(t.Context(), []string{"healthcheck"}, getenv(map[string]string{"WEB_ADDR": b.addr}), &out, &errOut, nil); err != nil {
		t.Fatalf("healthcheck = %v", err)
	}
	if !strings.Contains(out.String(), `"ok":true`) {
		t.Errorf("healthcheck printed %q", out.String())
	}
	if err := run(t.Context(), []string{"healthcheck", "--web-addr=127.0.0.1:1"}, getenv(nil), &out, &errOut, nil); err == nil {
		t.Error("healthcheck against nothing succeeded")
	}
}
