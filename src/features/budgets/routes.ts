// Personal budget pages for an episode: /episodes/:id/budget and the forms under it. Thin: read
// the form, call one service function, show the page again with what was typed when it is
// refused with field errors, or redirect back to the budget with what was done.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { formatPence } from '../../domain/money.ts';
import { londonDate } from '../../domain/working-days.ts';
import { AppError } from '../../platform/errors.ts';
import { formBody, queryParams } from '../../platform/forms.ts';
import { requireStaff, staffContext } from '../../platform/guards.ts';
import { formErrors } from '../../platform/views.ts';
import * as budgets from './service.ts';

const VIEWS = 'budgets/views';

const FLASH: Record<string, string> = {
  created: 'Personal budget set up. Add the items of the plan for spending it.',
  updated: 'Budget changed',
  'item-added': 'Item added to the plan',
  'item-changed': 'Planned amount changed',
  'item-removed': 'Item taken off the plan',
  spent: 'Spending recorded',
  closed: 'Budget closed',
};

type Params = { Params: { id: string } };
type ItemParams = { Params: { id: string; itemId: string } };

const base = (episodeId: string) => `/episodes/${encodeURIComponent(episodeId)}/budget`;
const personName = (page: budgets.BudgetPage) => `${page.person.givenName} ${page.person.familyName}`;

/** The three boxes of a date, from a stored 'YYYY-MM-DD'. */
function dateBoxes(iso: string | null | undefined): { day: string; month: string; year: string } {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso) : null;
  return m ? { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1]! } : { day: '', month: '', year: '' };
}

/** The three boxes of a date, as they were typed. */
function typedDate(form: budgets.Form, name: string): { day: string; month: string; year: string } {
  return { day: form[`${name}[day]`] ?? '', month: form[`${name}[month]`] ?? '', year: form[`${name}[year]`] ?? '' };
}

/** Amounts shown in a form field as people type them: "1,250.00" with no pound sign (the field has its own). */
const amountText = (pence: number) => formatPence(pence).replace('£', '');

/**
 * Runs the work; when it is refused with field errors, shows the form again: with what was typed,
 * and after a stale save with the budget as it is now (so saving again is a deliberate choice).
 */
async function formOr(
  reply: FastifyReply,
  work: () => Promise<string>,
  again: (error: AppError) => Promise<{ template: string; data: Record<string, unknown> }>,
): Promise<FastifyReply> {
  try {
    return reply.redirect(await work(), 303);
  } catch (error) {
    if (!(error instanceof AppError) || error.fields.length === 0) throw error;
    const { template, data } = await again(error);
    return reply.code(error.status).render(template, { ...data, errors: formErrors(error.fields), stale: error.code === 'stale' });
  }
}

export const budgetRoutes: FastifyPluginAsync = async (app) => {
  app.addHook('preHandler', requireStaff);

  app.get<Params>('/episodes/:id/budget', async (request, reply) => {
    const page = await budgets.getBudgetPage(staffContext(request), request.params.id);
    return reply.render(`${VIEWS}/budget.njk`, {
      title: `Personal budget: ${personName(page)}`, width: 'full', ...page, base: base(page.episode.id), personName: personName(page),
      flash: FLASH[queryParams(request).done ?? ''],
    });
  });

  // The budget itself: set up, change, close.

  const budgetForm = (page: budgets.BudgetPage, mode: 'new' | 'edit', values: Record<string, unknown>, version?: number) => ({
    template: `${VIEWS}/budget-form.njk`,
    data: {
      title: mode === 'new' ? `Set up a personal budget: ${personName(page)}` : `Change the budget: ${personName(page)}`,
      ...page, base: base(page.episode.id), personName: personName(page), mode, values, version: version ?? page.budget?.version,
    },
  });
  const typedBudget = (form: budgets.Form) => ({
    amount: form.amount ?? '', startsOn: typedDate(form, 'startsOn'), endsOn: typedDate(form, 'endsOn'),
    brokerageBy: form.brokerageBy ?? '', brokerageNotes: form.brokerageNotes ?? '',
  });

  app.get<Params>('/episodes/:id/budget/new', async (request, reply) => {
    const page = await budgets.getBudgetForm(staffContext(request), request.params.id, false);
    if (page.budget) return reply.redirect(base(page.episode.id), 303);
    const { template, data } = budgetForm(page, 'new', { amount: '', startsOn: dateBoxes(null), endsOn: dateBoxes(null), brokerageBy: '', brokerageNotes: '' });
    return reply.render(template, data);
  });

  app.post<Params>('/episodes/:id/budget/new', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await budgets.createBudget(ctx, request.params.id, form);
      return `${base(request.params.id)}?done=created`;
    }, async () => budgetForm(await budgets.getBudgetForm(ctx, request.params.id, false), 'new', typedBudget(form)));
  });

  app.get<Params>('/episodes/:id/budget/edit', async (request, reply) => {
    const page = await budgets.getBudgetForm(staffContext(request), request.params.id);
    const b = page.budget!;
    const { template, data } = budgetForm(page, 'edit', {
      amount: amountText(b.amountPence), startsOn: dateBoxes(b.startsOn), endsOn: dateBoxes(b.endsOn), brokerageBy: b.brokerageBy, brokerageNotes: b.brokerageNotes,
    });
    return reply.render(template, data);
  });

  app.post<Params>('/episodes/:id/budget/edit', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await budgets.updateBudget(ctx, request.params.id, form);
      return `${base(request.params.id)}?done=updated`;
    }, async (error) => {
      const page = await budgets.getBudgetForm(ctx, request.params.id);
      return budgetForm(page, 'edit', typedBudget(form), error.code === 'stale' ? page.budget!.version : Number(form.version));
    });
  });

  const closeForm = (page: budgets.BudgetPage, note: string, version?: number) => ({
    template: `${VIEWS}/close.njk`,
    data: { title: `Close the budget: ${personName(page)}`, ...page, base: base(page.episode.id), personName: personName(page), note, version: version ?? page.budget!.version },
  });

  app.get<Params>('/episodes/:id/budget/close', async (request, reply) => {
    const { template, data } = closeForm(await budgets.getBudgetForm(staffContext(request), request.params.id), '');
    return reply.render(template, data);
  });

  app.post<Params>('/episodes/:id/budget/close', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await budgets.closeBudget(ctx, request.params.id, form);
      return `${base(request.params.id)}?done=closed`;
    }, async (error) => {
      const page = await budgets.getBudgetForm(ctx, request.params.id);
      return closeForm(page, form.note ?? '', error.code === 'stale' ? page.budget!.version : Number(form.version));
    });
  });

  // The plan: add an item (from the directory, found by a search that works without JavaScript,
  // or anything else), change its planned amount, take it off.

  const itemForm = async (request: FastifyRequest, page: budgets.BudgetPage, words: string, values: Record<string, string>) => {
    const found = await budgets.findServicesForPlan(staffContext(request), words);
    return {
      template: `${VIEWS}/item-new.njk`,
      data: {
        title: `Add an item to the plan: ${personName(page)}`, ...page, base: base(page.episode.id), personName: personName(page),
        q: words, searched: words.trim() !== '', ...found, values,
      },
    };
  };

  app.get<Params>('/episodes/:id/budget/items/new', async (request, reply) => {
    const page = await budgets.getBudgetForm(staffContext(request), request.params.id);
    const { template, data } = await itemForm(request, page, (queryParams(request).q ?? '').slice(0, 200), { choice: '', description: '', planned: '' });
    return reply.render(template, data);
  });

  app.post<Params>('/episodes/:id/budget/items/new', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await budgets.addItem(ctx, request.params.id, form);
      return `${base(request.params.id)}?done=item-added`;
    }, async () => itemForm(request, await budgets.getBudgetForm(ctx, request.params.id), (form.q ?? '').slice(0, 200), {
      choice: form.choice ?? '', description: form.description ?? '', planned: form.planned ?? '',
    }));
  });

  const changeItemForm = (page: budgets.BudgetPage, itemId: string, planned: string, version?: number) => {
    const item = page.budget!.items.find((i) => i.id === itemId);
    if (!item) throw new AppError({ status: 404, code: 'not_found', message: 'We cannot find that item in the plan. It may have been taken off.' });
    return {
      template: `${VIEWS}/item.njk`,
      data: { title: `Change ${item.description}: ${personName(page)}`, ...page, base: base(page.episode.id), personName: personName(page), item, planned, version: version ?? page.budget!.version },
    };
  };

  app.get<ItemParams>('/episodes/:id/budget/items/:itemId', async (request, reply) => {
    const page = await budgets.getBudgetForm(staffContext(request), request.params.id);
    const item = page.budget!.items.find((i) => i.id === request.params.itemId);
    const { template, data } = changeItemForm(page, request.params.itemId, item ? amountText(item.plannedPence) : '');
    return reply.render(template, data);
  });

  app.post<ItemParams>('/episodes/:id/budget/items/:itemId', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await budgets.updateItem(ctx, request.params.id, request.params.itemId, form);
      return `${base(request.params.id)}?done=item-changed`;
    }, async (error) => {
      const page = await budgets.getBudgetForm(ctx, request.params.id);
      return changeItemForm(page, request.params.itemId, form.planned ?? '', error.code === 'stale' ? page.budget!.version : Number(form.version));
    });
  });

  app.post<ItemParams>('/episodes/:id/budget/items/:itemId/remove', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await budgets.removeItem(ctx, request.params.id, request.params.itemId, form);
      return `${base(request.params.id)}?done=item-removed`;
    }, async () => {
      const page = await budgets.getBudgetForm(ctx, request.params.id);
      return changeItemForm(page, request.params.itemId, form.planned ?? '', page.budget!.version);
    });
  });

  // Spending against an item of the plan.

  const spendingForm = (page: budgets.BudgetPage, values: Record<string, unknown>) => {
    const example = dateBoxes(londonDate(new Date()));
    return {
      template: `${VIEWS}/spending-new.njk`,
      data: {
        title: `Record spending: ${personName(page)}`, ...page, base: base(page.episode.id), personName: personName(page), values,
        dateExample: `${example.day} ${example.month} ${example.year}`,
      },
    };
  };

  app.get<Params>('/episodes/:id/budget/spending/new', async (request, reply) => {
    const page = await budgets.getBudgetForm(staffContext(request), request.params.id);
    const { template, data } = spendingForm(page, { itemId: queryParams(request).item ?? '', spentOn: dateBoxes(null), amount: '', description: '' });
    return reply.render(template, data);
  });

  app.post<Params>('/episodes/:id/budget/spending/new', async (request, reply) => {
    const ctx = staffContext(request);
    const form = formBody(request);
    return formOr(reply, async () => {
      await budgets.recordSpending(ctx, request.params.id, form);
      return `${base(request.params.id)}?done=spent`;
    }, async () => spendingForm(await budgets.getBudgetForm(ctx, request.params.id), {
      itemId: form.itemId ?? '', spentOn: typedDate(form, 'spentOn'), amount: form.amount ?? '', description: form.description ?? '',
    }));
  });

  // An earlier (or the current) budget by its id, read only.
  app.get<{ Params: { id: string; budgetId: string } }>('/episodes/:id/budget/:budgetId', async (request, reply) => {
    const page = await budgets.getBudgetPage(staffContext(request), request.params.id, { budgetId: request.params.budgetId });
    return reply.render(`${VIEWS}/budget.njk`, {
      title: `Personal budget: ${personName(page)}`, width: 'full', ...page, base: base(page.episode.id), personName: personName(page), viewingOne: true,
    });
  });
};
