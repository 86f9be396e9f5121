/** Admin user management (service role only): create, list, read and delete users. */
import { Hono } from 'hono';
import { userJson } from '../database.ts';
import { AuthError } from '../errors.ts';
import { adminCreateUserBody, listUsersQuery, parseInput, readBody } from '../schemas.ts';
import type { AuthServices } from '../services.ts';

export function adminRoutes(auth: AuthServices): Hono {
  const { db } = auth;
  const app = new Hono();
  app.use('*', async (c, next) => {
    await auth.requireServiceRole(c);
    await next();
  });

  app.post('/users', async (c) => {
    const input = await readBody(c, adminCreateUserBody, { errorCode: 'validation_failed', message: 'An email address is required' });
    auth.checkEmail(input.email);
    if (input.password !== undefined) auth.checkPasswordStrength(input.password);
    const user = await db.createUser({
      email: input.email,
      password: input.password,
      userMetadata: input.user_metadata,
      appMetadata: input.app_metadata,
      confirmed: input.email_confirm,
    });
    if (!user) throw new AuthError(422, 'email_exists', 'A user with this email address has already been registered');
    return c.json(userJson(user));
  });

  app.get('/users', async (c) => {
    const { page, per_page } = parseInput(listUsersQuery, c.req.query(), { errorCode: 'validation_failed', message: 'Invalid paging' });
    const { users, total } = await db.listUsers(page, per_page);
    c.header('x-total-count', String(total));
    return c.json({ users: users.map(userJson), aud: 'authenticated' });
  });

  app.get('/users/:id', async (c) => {
    const user = await db.findUserById(c.req.param('id'));
    if (!user) throw new AuthError(404, 'user_not_found', 'User not found');
    return c.json(userJson(user));
  });

  app.delete('/users/:id', async (c) => {
    const user = await db.findUserById(c.req.param('id'));
    if (!user || !(await db.deleteUser(user.id))) throw new AuthError(404, 'user_not_found', 'User not found');
    return c.json(userJson(user));
  });

  return app;
}
