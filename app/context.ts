import type { Env } from "./env.server";
import type { Auth } from "./services/auth.server";
import type { ServiceContext } from "./services/context.server";
import type { FederationActions } from "./services/federation-outbox";

declare module "@remix-run/node" {
  interface AppLoadContext {
    env: Env;
    auth: Auth;
    services: ServiceContext;
    federation: FederationActions;
    clientAddress: string;
  }
  interface Future {
    v3_singleFetch: true;
  }
}
