{#- R9: every removal, by rule or by reviewer, names its rule, reason, evidence and who. -#}
select image_id, rule, reason, evidence, decided_by
from {{ ref('final_removals') }}
where rule is null or reason is null or evidence is null or evidence = ''
    or decided_by is null or decided_by = ''
union all
select image_id, rule, reason, evidence, decided_by
from {{ ref('val_removals') }}
where rule is null or reason is null or evidence is null or evidence = ''
