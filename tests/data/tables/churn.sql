CREATE TABLE customers (id BIGINT NOT NULL, age INT, photo BINARY) PARTITIONED BY (dt STRING);
CREATE MODEL churn WITH VERSION v1 INPUT(photo BINARY, age INT)
OPTIONS(MODEL_SOURCE_TYPE = 'IMPORT', MODEL_TYPE = 'BOOSTED_TREE_CLASSIFIER',
    LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/models/churn_v1/',
    ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole');
ALTER MODEL churn ADD VERSION v2 INPUT(photo STRING, age INT) WITH OPTIONS(
    LOCATION = 'oss://oss-cn-shanghai-internal.aliyuncs.com/models/churn_v2/',
    ROLEARN = 'acs:ram::1126123000000000:role/aliyunodpsdefaultrole');
