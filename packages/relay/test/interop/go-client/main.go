// A minimal Falco outputs client on grpc-go (built at v1.56, like client-go and
// falco-exporter, and at the newest by scripts/ensure-interop-clients.sh), with a raw
// bytes codec, so no generated stubs. It calls `version`, then `sub` (one empty request
// every 50 ms) until it has -count alerts, printing one JSON line per step:
// {"version_bytes": N}, {"alerts": N} or {"error": "...", "details": "..."}.
// Test-only (packages/relay/test/interop.spec.ts).
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"flag"
	"os"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

type rawCodec struct{}

func (rawCodec) Marshal(v interface{}) ([]byte, error) { return *v.(*[]byte), nil }
func (rawCodec) Unmarshal(data []byte, v interface{}) error {
	*v.(*[]byte) = append([]byte(nil), data...)
	return nil
}
func (rawCodec) Name() string { return "proto" }

func emit(doc map[string]interface{}) {
	line, _ := json.Marshal(doc)
	os.Stdout.Write(append(line, '\n'))
}

func fail(err error) {
	s, _ := status.FromError(err)
	emit(map[string]interface{}{"error": s.Code().String(), "details": s.Message()})
	os.Exit(1)
}

func main() {
	target := flag.String("target", "", "unix:///path or host:port")
	count := flag.Int("count", 1, "alerts to receive")
	ca := flag.String("ca", "", "CA file (mutual TLS)")
	cert := flag.String("cert", "", "client certificate")
	key := flag.String("key", "", "client key")
	flag.Parse()

	creds := insecure.NewCredentials()
	if *ca != "" {
		pair, err := tls.LoadX509KeyPair(*cert, *key)
		if err != nil {
			fail(err)
		}
		pem, err := os.ReadFile(*ca)
		if err != nil {
			fail(err)
		}
		roots := x509.NewCertPool()
		roots.AppendCertsFromPEM(pem)
		creds = credentials.NewTLS(&tls.Config{Certificates: []tls.Certificate{pair}, RootCAs: roots, ServerName: "localhost"})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	conn, err := grpc.Dial(*target, grpc.WithTransportCredentials(creds), grpc.WithDefaultCallOptions(grpc.ForceCodec(rawCodec{})))
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	emit(map[string]interface{}{"grpc-go": grpc.Version})

	request, version := []byte{}, []byte{}
	if err := conn.Invoke(ctx, "/falco.version.service/version", &request, &version); err != nil {
		fail(err)
	}
	emit(map[string]interface{}{"version_bytes": len(version)})

	stream, err := conn.NewStream(ctx, &grpc.StreamDesc{ServerStreams: true, ClientStreams: true}, "/falco.outputs.service/sub")
	if err != nil {
		fail(err)
	}
	go func() {
		for ctx.Err() == nil {
			if stream.SendMsg(&request) != nil {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
	}()
	received := 0
	for received < *count {
		var alert []byte
		if err := stream.RecvMsg(&alert); err != nil {
			fail(err)
		}
		received++
	}
	emit(map[string]interface{}{"alerts": received})
}
