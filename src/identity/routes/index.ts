// identity's HTTP area: one plugin with the public, my-account, staff and partner routes.
import type { AreaPlugin } from '../../api/app.ts';
import { registerMeRoutes } from './me-routes.ts';
import { registerPartnerRoutes } from './partner-routes.ts';
import { registerPublicRoutes } from './public-routes.ts';
import type { IdentityRouteOptions } from './shared.ts';
import { registerStaffRoutes } from './staff-routes.ts';

export type { IdentityRouteOptions } from './shared.ts';

export function createIdentityRoutes(options: IdentityRouteOptions = {}): AreaPlugin {
  const attempts = options.authAttemptsPerMinute ?? 20;
  return async (app, { ctx }) => {
    registerPublicRoutes(app, ctx, attempts);
    registerMeRoutes(app, ctx);
    registerStaffRoutes(app, ctx, attempts);
    registerPartnerRoutes(app, ctx);
  };
}

export const identityRoutes: AreaPlugin = createIdentityRoutes();
