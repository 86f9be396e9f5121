/** The signed-in user's own endpoints: GET /user, PUT /user, POST /logout. */
import { Hono } from 'hono';
import { userJson } from '../database.ts';
import { logoutQuery, parseInput, readBody, updateUserBody } from '../schemas.ts';
import type { AuthServices } from '../services.ts';

export function userRoutes(auth: AuthServices): Hono {
  const app = new Hono();

  app.get('/user', async (c) => {
    const { user } = await auth.caller(c);
    return c.json(userJson(user));
  });

  app.put('/user', async (c) => {
    const { user } = await auth.caller(c);
    const { password, data } = await readBody(c, updateUserBody, { errorCode: 'validation_failed', message: 'Invalid user attributes' });
    if (password !== undefined) auth.checkPasswordStrength(password);
    const updated = await auth.db.updateUser(user.id, { password, userMetadata: data });
    return c.json(userJson(updated ?? user));
  });

  app.post('/logout', async (c) => {
    const { user, sessionId } = await auth.caller(c);
    const { scope } = parseInput(logoutQuery, c.req.query(), { errorCode: 'validation_failed', message: 'Invalid scope' });
    await auth.db.signOut(user.id, sessionId, scope);
    return c.body(null, 204);
  });

  return app;
}
