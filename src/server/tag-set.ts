import { InstanceTagSet } from 'aws-cdk-lib/aws-codedeploy';

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
  return tagSet.instanceTagGroups.map((group) => Object.entries(group).flatMap(([key, values]) => {
    if (values.length === 0) {
      return [{ key, type: 'KEY_ONLY' }];
    }
    return values.map((value) => {
      if (key === '') {
        return { value, type: 'VALUE_ONLY' };
      }
      return value === '' ? { key, type: 'KEY_ONLY' } : { key, value, type: 'KEY_AND_VALUE' };
    });
  }));
}
