-- Every school and predecessor in the chain is a real URN: DfE writes URN_AC = 0 for "no academy", and once
-- linked 1,600 schools to a school "0" as their successor. Shown in Dagster as a check on int_school_predecessor_chain.
{{ config(meta={'dagster': {'ref': {'name': 'int_school_predecessor_chain'}}}) }}
select *
from {{ ref('int_school_predecessor_chain') }}
where urn <= 0 or predecessor_urn <= 0
