import { unroutableSlackRequest } from '../../app/slack/request-shape';

const FORM = 'application/x-www-form-urlencoded';
const interaction = (payload: unknown) => new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

describe('unroutableSlackRequest', () => {
  it.each([
    ['a click with its user', interaction({ type: 'block_actions', user: { id: 'U1', team_id: 'T1' }, actions: [] })],
    ['a modal submitted', interaction({ type: 'view_submission', user: { id: 'U1' }, view: { id: 'V1' } })],
    ['a slash command', 'command=%2Fiam-events&user_id=U1&text=&team_id=T1'],
    ["Slack's SSL check of a command URL", 'ssl_check=1&token=abc'],
  ])('lets through %s', (_what, body) => {
    expect(unroutableSlackRequest(body, FORM)).toBeUndefined();
  });

  it.each([
    ['a click without a user', interaction({ type: 'block_actions', actions: [] }), 'block_actions payload without a user'],
    ['a user without an id', interaction({ type: 'shortcut', user: {} }), 'shortcut payload without a user'],
    ['a view_closed without its view', interaction({ type: 'view_closed', user: { id: 'U1' } }), 'view_closed payload without a view'],
    ['a payload that is not JSON', 'payload=%7Bnot-json', 'interaction payload is not a JSON object'],
    ['a JSON array', interaction([1]), 'interaction payload is not a JSON object'],
    ['a payload without a type', interaction({ user: { id: 'U1' } }), 'interaction payload without a type'],
    ['a command without a user', 'command=%2Fiam-events&text=', 'slash command without a user_id'],
    ['an empty form', '', 'form body is neither an interaction payload nor a slash command'],
  ])('refuses %s, saying why', (_what, body, reason) => {
    expect(unroutableSlackRequest(body, FORM)).toBe(reason);
  });

  it('checks Events API bodies: a challenge passes, an event_callback needs its event', () => {
    expect(unroutableSlackRequest(JSON.stringify({ type: 'url_verification', challenge: 'c' }), 'application/json')).toBeUndefined();
    expect(
      unroutableSlackRequest(
        JSON.stringify({ type: 'event_callback', event: { type: 'app_home_opened', user: 'U1' } }),
        'application/json',
      ),
    ).toBeUndefined();
    expect(unroutableSlackRequest(JSON.stringify({ type: 'event_callback' }), 'application/json')).toBe('event_callback without an event');
    expect(unroutableSlackRequest('[]', 'application/json')).toBe('JSON body is not an object');
  });

  it('refuses a content type Slack does not send', () => {
    expect(unroutableSlackRequest('x', 'text/plain')).toBe('unexpected content type text/plain');
    expect(unroutableSlackRequest('x', undefined)).toBe('unexpected content type (none)');
  });
});
