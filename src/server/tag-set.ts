import { InstanceTagSet } from 'aws-cdk-lib/aws-codedeploy';
import { SERVER_TARGETS } from '../private/codedeploy-limits';
import { Problems } from '../private/validation';

/** One tag filter as CloudFormation's EC2 and on-premises tag groups take it. */
interface TagFilter {
  readonly key?: string;
  readonly value?: string;
  readonly type: string;
}

/**
 * The tag groups of a tag set as CloudFormation tag-set lists: an instance must match every group,
 * and within a group one of its filters. An empty key matches the value under any key
 * (VALUE_ONLY); a key with no or an empty value matches the key with any value (KEY_ONLY).
 */
export function renderTagSet(tagSet: InstanceTagSet): TagFilter[][] {
  // A filter given twice matches what it matches once; CloudFormation refuses a group with repeated items.
  return tagSet.instanceTagGroups.map((group) => unique(Object.entries(group).flatMap(([key, values]) => {
    if (values.length === 0) {
      return [{ key, type: 'KEY_ONLY' }];
    }
    return values.map((value) => {
      if (key === '') {
        return { value, type: 'VALUE_ONLY' };
      }
      return value === '' ? { key, type: 'KEY_ONLY' } : { key, value, type: 'KEY_AND_VALUE' };
    });
  })));
}

function unique(filters: TagFilter[]): TagFilter[] {
  return [...new Map(filters.map((filter) => [JSON.stringify(filter), filter])).values()];
}

/**
 * Problems of a tag set that would not target what it says (aws-cdk-lib's `InstanceTagSet` already
 * refuses more than 3 groups): a set with no group or a group with no tag targets no instance; a
 * key without a value would target every instance with that key, whatever its value (CodeDeploy's
 * KEY_ONLY), which an empty list does not say; an empty key with no value matches nothing
 * (aws-cdk-lib's `ServerDeploymentGroup` refuses it the same way). A group holds at most 10 tags
 * (`SERVER_TARGETS`, with its source).
 */
export function checkTagSet(problems: Problems, prop: string, tagSet: InstanceTagSet | undefined): void {
  if (!tagSet) {
    return;
  }
  if (tagSet.instanceTagGroups.length === 0) {
    problems.add(`${prop} holds no tag group, so it would target no instance: give at least one tag, or leave ${prop} out`);
  }
  tagSet.instanceTagGroups.forEach((group, i) => {
    const entries = Object.entries(group);
    if (entries.length === 0) {
      problems.add(`${prop} tag group ${i + 1} holds no tag, so it would target no instance: give at least one tag, or leave the group out`);
    }
    const tags = entries.reduce((sum, [, values]) => sum + Math.max(values.length, 1), 0);
    if (tags > SERVER_TARGETS.maxTagsPerGroup) {
      problems.add(`${prop} tag group ${i + 1} must hold at most ${SERVER_TARGETS.maxTagsPerGroup} tags, got ${tags}`);
    }
    for (const [key, values] of entries) {
      if (key === '' && values.every((value) => value === '')) {
        problems.add(`${prop} tag group ${i + 1} has an empty key with no value: give the key, or the values to match under any key`);
      } else if (values.length === 0) {
        problems.add(`${prop} tag group ${i + 1} gives tag '${key}' no value ([]), which would target every instance with the key '${key}' `
          + `whatever its value: list the values to match, or give [''] to match any value of '${key}' on purpose`);
      }
    }
  });
}

/** Whether `checkTagSet` finds nothing wrong with the tag set's shape (other checks then apply). */
export function isWellFormed(tagSet: InstanceTagSet): boolean {
  return tagSet.instanceTagGroups.length > 0 && tagSet.instanceTagGroups.every((group) => Object.keys(group).length > 0
    && Object.entries(group).every(([key, values]) => values.length > 0 && (key !== '' || values.some((value) => value !== ''))));
}
