/**
 * Amazon S3 names. Source: Amazon S3 user guide, "Bucket naming rules" (3 to 63 characters,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html) and "Naming Amazon
 * S3 objects" (keys up to 1,024 bytes, https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html).
 */
export const S3_NAMES = {
  maxBucketNameLength: 63,
  maxObjectKeyLength: 1024,
} as const;
