import { processModeOf, UsageError } from './process-mode';

describe('processModeOf', () => {
  it('serves without arguments and migrates with `migrate`', () => {
    expect(processModeOf([])).toBe('serve');
    expect(processModeOf(['migrate'])).toBe('migrate');
  });

  it.each([[['migrate', 'now']], [['--migrate']], [['serve']], [['Migrate']]])('refuses %j', (args) => {
    expect(() => processModeOf(args)).toThrow(UsageError);
    expect(() => processModeOf(args)).toThrow(/expected none, or "migrate"/);
  });
});
