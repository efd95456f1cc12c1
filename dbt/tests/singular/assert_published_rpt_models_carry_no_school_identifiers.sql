-- Published committee tables carry no school names or URNs, except the inspections table (public Ofsted information).
select table_name, column_name
from information_schema.columns
where table_name like 'rpt_committee__%'
    and table_name <> 'rpt_committee__inspections_this_term'
    and column_name in ('urn', 'school_name', 'laestab')
