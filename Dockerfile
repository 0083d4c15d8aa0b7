# Build: a static binary (the SQLite driver is pure Go, so no cgo).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/rectify ./cmd/rectify

# Run as an unprivileged user with nothing else in the image.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/rectify /rectify
ENV RECTIFY_ADDR=0.0.0.0:8080 RECTIFY_DATA_DIR=/data RECTIFY_LOG_FORMAT=json
EXPOSE 8080
ENTRYPOINT ["/rectify"]
CMD ["serve"]
