// Sign-in (password, then the second factor when the person has one), sign-out, the account
// page, password change and second-factor set-up.
import type { FastifyPluginAsync } from 'fastify';
import QRCode from 'qrcode';
import type { Config } from '../../config.ts';
import { audit } from '../../platform/audit.ts';
import { formBody, queryParams } from '../../platform/forms.ts';
import { requireStaff, safeReturnPath, staffContext } from '../../platform/guards.ts';
import { clearSessionCookie, endRequestSession, startSession } from '../../platform/sessions.ts';
import { handleForm } from '../../platform/views.ts';
import { ROLE_NAMES } from '../../platform/context.ts';
import * as auth from './service.ts';

const SIGN_IN = 'auth/views/sign-in.njk';
const CODE = 'auth/views/second-factor.njk';
const PASSWORD = 'auth/views/change-password.njk';
const TWO_FACTOR = 'auth/views/two-factor-setup.njk';

export const authRoutes: FastifyPluginAsync<{ config: Config }> = async (app, { config }) => {
  app.get('/sign-in', async (request, reply) => {
    if (request.actor) return reply.redirect('/', 303);
    return reply.render(SIGN_IN, { title: 'Sign in', returnTo: safeReturnPath(queryParams(request).returnTo) });
  });

  app.post('/sign-in', async (request, reply) => {
    const body = formBody(request);
    const returnTo = safeReturnPath(body.returnTo);
    return handleForm(reply, SIGN_IN, { title: 'Sign in', returnTo, values: { email: body.email } }, async () => {
      const user = await auth.checkPassword(request.ctx, body.email ?? '', body.password ?? '');
      await request.ctx.db.transaction(async (tx) => {
        await startSession(tx, config, request, reply, user, user.totpEnabled);
        if (!user.totpEnabled) await auth.auditSignIn(tx, request.ctx, user, 'password');
      });
      if (user.totpEnabled) return reply.redirect(`/sign-in/code?returnTo=${encodeURIComponent(returnTo)}`, 303);
      return reply.redirect(user.mustChangePassword ? '/account/password' : returnTo, 303);
    });
  });

  app.get('/sign-in/code', async (request, reply) => {
    if (!request.session.pendingSecondFactor) return reply.redirect('/sign-in', 303);
    return reply.render(CODE, { title: 'Enter your security code', returnTo: safeReturnPath(queryParams(request).returnTo) });
  });

  app.post('/sign-in/code', async (request, reply) => {
    const pending = request.session.pendingSecondFactor;
    if (!pending) return reply.redirect('/sign-in', 303);
    const body = formBody(request);
    const returnTo = safeReturnPath(body.returnTo);
    return handleForm(reply, CODE, { title: 'Enter your security code', returnTo }, async () => {
      const user = await auth.checkSecondFactor(request.ctx, pending.userId, body.code ?? '');
      await request.ctx.db.transaction(async (tx) => {
        await startSession(tx, config, request, reply, user, false);
        await auth.auditSignIn(tx, request.ctx, user, 'second factor');
      });
      return reply.redirect(user.mustChangePassword ? '/account/password' : returnTo, 303);
    });
  });

  // The header's sign-out button cannot carry a CSRF token, so a same-origin Sec-Fetch-Site
  // header is accepted instead; a browser without it falls back to the token on this page.
  app.get('/sign-out', async (request, reply) => {
    if (!request.actor) return reply.redirect('/', 303);
    return reply.render('auth/views/sign-out.njk', { title: 'Sign out' });
  });
  app.post('/sign-out', { config: { csrf: 'fetch-metadata' } }, async (request, reply) => {
    await request.ctx.db.transaction(async (tx) => {
      if (request.actor) await audit(tx, request.ctx, { action: 'sign_out', outcome: 'success', recordType: 'staff_user', recordId: request.actor.userId });
      await endRequestSession(tx, request);
    });
    clearSessionCookie(reply, config);
    return reply.redirect('/signed-out', 303);
  });
  app.get('/signed-out', async (_request, reply) => reply.render('auth/views/signed-out.njk', { title: 'You have signed out' }));

  // ---- signed-in account pages ----
  await app.register(async (account) => {
    account.addHook('preHandler', requireStaff);

    account.get('/account', async (request, reply) => {
      const ctx = staffContext(request);
      const totp = await auth.pendingTotpSecret(ctx);
      return reply.render('auth/views/account.njk', { title: 'Your account', roleName: ROLE_NAMES[ctx.actor.role], totpEnabled: totp.enabled });
    });

    account.get('/account/password', async (request, reply) =>
      reply.render(PASSWORD, { title: 'Change your password', mustChange: request.actor?.mustChangePassword }),
    );
    account.post('/account/password', async (request, reply) => {
      const ctx = staffContext(request);
      const body = formBody(request);
      return handleForm(reply, PASSWORD, { title: 'Change your password', mustChange: ctx.actor.mustChangePassword }, async () => {
        await auth.changePassword(ctx, { current: body['current-password'] ?? '', next: body['new-password'] ?? '', confirm: body['confirm-password'] ?? '' });
        return reply.render('auth/views/account-done.njk', { title: 'Your password has been changed', message: 'Your password has been changed. Anyone else signed in as you has been signed out.' });
      });
    });

    // Set-up reuses a secret not yet confirmed; it never replaces one already in use.
    const ALREADY_ON = { title: 'Security codes are on', message: 'Security codes are already on for your account.' };
    const renderSetup = async (ctx: ReturnType<typeof staffContext>) => {
      const { secret, enabled } = await auth.pendingTotpSecret(ctx);
      if (enabled) return null;
      const active = secret ?? (await auth.beginTotpSetup(ctx));
      const uri = auth.totpFor(active, ctx.actor.email).toString();
      return { title: 'Set up a security code', secret: active.replace(/(.{4})/g, '$1 ').trim(), qrSvg: await QRCode.toString(uri, { type: 'svg', margin: 2 }) };
    };
    account.get('/account/two-factor', async (request, reply) => {
      const setup = await renderSetup(staffContext(request));
      return setup ? reply.render(TWO_FACTOR, setup) : reply.render('auth/views/account-done.njk', ALREADY_ON);
    });
    account.post('/account/two-factor', async (request, reply) => {
      const ctx = staffContext(request);
      const body = formBody(request);
      const setup = await renderSetup(ctx);
      if (!setup) return reply.render('auth/views/account-done.njk', ALREADY_ON);
      return handleForm(reply, TWO_FACTOR, setup, async () => {
        await auth.confirmTotpSetup(ctx, body.code ?? '');
        return reply.render('auth/views/account-done.njk', { title: 'Security codes are on', message: 'From now on you will be asked for a code from your authenticator app when you sign in.' });
      });
    });
  });
};
