# complaintbot: a static binary on a distroless base, run as a non-root user.
#   docker build -t complaintbot .
#   docker compose up   (with Redis; see docker-compose.yml and docs/operations.md)

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so that a change of our code does not download them again.
COPY go.mod go.sum ./
COPY flows/third_party/go-dateparser/go.mod flows/third_party/go-dateparser/go.mod
RUN go mod download
COPY . .
# Static (no cgo), with the time zone database inside (TZ works anywhere).
RUN CGO_ENABLED=0 go build -trimpath -tags timetzdata -ldflags="-s -w" -o /out/complaintbot ./cmd/complaintbot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/complaintbot /usr/local/bin/complaintbot
# uid 65532, no shell, no package manager.
USER nonroot:nonroot
ENV WEB_ADDR=0.0.0.0:8080 \
    LOG_FORMAT=json
EXPOSE 8080
# Ready: Redis answers and every configured platform is connected.
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
    CMD ["/usr/local/bin/complaintbot", "healthcheck", "--path=/readyz"]
ENTRYPOINT ["/usr/local/bin/complaintbot"]
