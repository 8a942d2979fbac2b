// A reverse proxy on 127.0.0.1 in front of a test server, as a load balancer would be: it
// passes requests on as they are (method, path, headers, body) or, switched to "error",
// answers 500 itself, as a front does while the instance behind it is down. Start the
// server with PUBLIC_URL set to the proxy's origin, so every id it makes goes through here.
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface FrontProxy {
  origin: string;
  /** Where requests go on to; set once the server behind has its port. */
  target: number | null;
  mode: "pass" | "error";
  close(): Promise<void>;
}

export async function startFrontProxy(): Promise<FrontProxy> {
  const front = { target: null as number | null, mode: "pass" as FrontProxy["mode"] };
  const server: Server = createServer((req, res) => {
    if (front.mode === "error") {
      res.writeHead(500, { "content-type": "text/plain" }).end("Internal Server Error");
      return;
    }
    if (front.target === null) {
      res.writeHead(502, { "content-type": "text/plain" }).end("Nothing behind this front yet.");
      return;
    }
    const onward = request(
      { host: "127.0.0.1", port: front.target, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    onward.on("error", () => res.writeHead(502).end());
    req.pipe(onward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get target() {
      return front.target;
    },
    set target(port: number | null) {
      front.target = port;
    },
    get mode() {
      return front.mode;
    },
    set mode(mode: FrontProxy["mode"]) {
      front.mode = mode;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
