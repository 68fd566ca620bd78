// Administrators' pages: staff accounts and the audit log.
import type { FastifyPluginAsync } from 'fastify';
import { formBody, queryParams } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { requireRole } from '../../platform/access.ts';
import { handleForm } from '../../platform/views.ts';
import { ROLE_NAMES, ROLES } from '../../platform/context.ts';
import * as admin from './service.ts';

const NEW_STAFF = 'admin/views/staff-new.njk';

function formOptions(organisations: admin.Organisation[], values: { role?: string; organisationId?: string }) {
  return {
    roleOptions: [
      { value: '', text: 'Choose a role' },
      ...ROLES.map((role) => ({ value: role, text: ROLE_NAMES[role], selected: role === values.role })),
    ],
    organisationOptions: [
      { value: '', text: 'Choose an organisation' },
      ...organisations.map((o) => ({ value: o.id, text: o.name, selected: o.id === values.organisationId })),
    ],
  };
}

export const adminRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);
  app.addHook('preHandler', async (request) => requireRole(staffContext(request).actor, ['admin']));

  app.get('/admin/staff', async (request, reply) => {
    const staff = await admin.listStaff(staffContext(request));
    return reply.render('admin/views/staff-list.njk', { title: 'Staff', width: 'full', staff, roleNames: ROLE_NAMES });
  });

  app.get('/admin/staff/new', async (request, reply) => {
    const organisations = await admin.listOrganisations(staffContext(request));
    return reply.render(NEW_STAFF, { title: 'Add a staff member', values: {}, ...formOptions(organisations, {}) });
  });

  app.post('/admin/staff/new', async (request, reply) => {
    const ctx = staffContext(request);
    const body = formBody(request);
    const values = { name: body.name ?? '', email: body.email ?? '', role: body.role ?? '', organisationId: body.organisation ?? '' };
    const organisations = await admin.listOrganisations(ctx);
    return handleForm(reply, NEW_STAFF, { title: 'Add a staff member', values, ...formOptions(organisations, values) }, async () => {
      const created = await admin.createStaff(ctx, values);
      return reply.render('admin/views/staff-created.njk', { title: 'Staff member added', ...created, roleName: ROLE_NAMES[created.member.role] });
    });
  });

  app.post<{ Params: { id: string } }>('/admin/staff/:id/disable', async (request, reply) => {
    await admin.setStaffDisabled(staffContext(request), request.params.id, true);
    return reply.redirect('/admin/staff', 303);
  });
  app.post<{ Params: { id: string } }>('/admin/staff/:id/enable', async (request, reply) => {
    await admin.setStaffDisabled(staffContext(request), request.params.id, false);
    return reply.redirect('/admin/staff', 303);
  });

  app.post<{ Params: { id: string } }>('/admin/staff/:id/reset-password', async (request, reply) => {
    const reset = await admin.resetStaffPassword(staffContext(request), request.params.id);
    return reply.render('admin/views/staff-created.njk', {
      title: 'New temporary password', ...reset, roleName: ROLE_NAMES[reset.member.role], reset: true,
    });
  });

  app.get('/admin/audit', async (request, reply) => {
    const query = queryParams(request);
    const values = { person: query.person ?? '', actor: query.actor ?? '', action: query.action ?? '', from: query.from ?? '', to: query.to ?? '' };
    const actionOptions = [
      { value: '', text: 'Any action' },
      ...Object.entries(admin.AUDIT_ACTIONS).map(([value, text]) => ({ value, text, selected: value === values.action })),
    ];
    const data = { title: 'Audit log', width: 'full', values, actionOptions, rows: [] as admin.AuditRow[], page: 1, hasMore: false, searchParams: '' };
    return handleForm(reply, 'admin/views/audit.njk', data, async () => {
      const result = await admin.searchAudit(staffContext(request), {
        personId: values.person, actorEmail: values.actor, action: values.action, from: values.from, to: values.to, page: Number(query.page) || 1,
      });
      const searchParams = new URLSearchParams(Object.entries(values).filter(([, v]) => v)).toString();
      return reply.render('admin/views/audit.njk', { ...data, ...result, searchParams });
    });
  });
};
