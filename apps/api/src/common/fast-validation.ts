import type { ClassConstructor } from 'class-transformer';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

/**
 * A shortcut for the common case of `validatePayload`: a payload of primitive values that passes its DTO. class-
 * transformer and class-validator build instances, error objects and argument objects for every field of every
 * packet, which was a tenth of an API process's CPU per socket message. Here the DTO's own class-validator metadata is
 * read once into a plan, and a payload is accepted only when every key is a known field, every value is a primitive
 * (which class-transformer copies as it is) and each field's own constraint functions, run the way class-validator runs
 * them, say yes. Anything else (a failure, a nested value, a DTO with a kind of rule the plan does not cover) answers
 * `null`, and the caller takes the full path, which also writes the error details. So the shortcut can only accept
 * what the full path accepts, and returns the same instance.
 */
type Check = (object: object, value: unknown) => boolean;
interface Field {
  conditions: Check[];
  checks: Check[];
  /** A rule the plan does not run (nested, `each`, @IsDefined, …): only an absent, optional field passes here. */
  unsupported: boolean;
}
type Plan = Map<string, Field> | null;

const plans = new WeakMap<object, Plan>();

function planFor(dto: ClassConstructor<object>): Plan {
  const storage = getMetadataStorage();
  const metadatas = storage.getTargetValidationMetadatas(dto, '', true, false);
  if (!metadatas.length) return null;
  const fields = new Map<string, Field>();
  for (const m of metadatas) {
    if (m.groups?.length) return null;
    const field = fields.get(m.propertyName) ?? { conditions: [], checks: [], unsupported: false };
    fields.set(m.propertyName, field);
    if (m.each || m.validateIf || m.context) {
      field.unsupported = true;
    } else if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) {
      field.conditions.push(m.constraints[0] as Check);
    } else if (m.type === ValidationTypes.CUSTOM_VALIDATION) {
      const constraints = storage.getTargetValidatorConstraints(m.constraintCls);
      if (constraints.length !== 1 || constraints[0].async) {
        field.unsupported = true;
        continue;
      }
      const { instance } = constraints[0];
      const property = m.propertyName;
      const args = m.constraints;
      field.checks.push(
        (object, value) =>
          instance.validate(value, { targetName: dto.name, property, object, value, constraints: args }) ===
          true,
      );
    } else {
      field.unsupported = true; // nested objects, @Allow, @IsDefined, …
    }
  }
  return fields;
}

/** The DTO instance when `value` certainly passes `dto`; `null` when only the full validation can tell. */
export function fastValidate<T extends object>(
  dto: ClassConstructor<T>,
  value: Record<string, unknown>,
): T | null {
  let plan = plans.get(dto);
  if (plan === undefined) {
    plan = planFor(dto);
    plans.set(dto, plan);
  }
  if (!plan) return null;
  for (const key of Object.keys(value)) {
    if (!plan.has(key)) return null;
    const v = value[key];
    if (v !== null && typeof v === 'object') return null;
  }
  const instance = Object.assign(new dto(), value) as T & Record<string, unknown>;
  for (const [property, field] of plan) {
    const v = instance[property];
    const skipped = field.conditions.length > 0 && !field.conditions.every((c) => c(instance, v));
    if (field.unsupported && !(skipped && v === undefined)) return null;
    if (skipped) continue;
    for (const check of field.checks) if (!check(instance, v)) return null;
  }
  return instance;
}
