-- Example 2 of the ALTER MODEL page, as written (its OSS endpoint is a public one).
ALTER MODEL test_xgboost_classifier ADD VERSION V2 
INPUT (f1 int,f2 int,f3 int)
WITH OPTIONS(
  LOCATION = 'oss://oss-cn-shanghai.aliyuncs.com/model-bucket-test/xgboost_classifier_v2/',
  ROLEARN = 'acs:ram::11261230********:role/aliyunodpsdefaultrole'
)
COMMENT 'Import XGBoost model v2';
