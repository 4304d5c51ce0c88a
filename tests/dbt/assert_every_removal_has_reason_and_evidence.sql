{#- R9: every removal names its rule, its reason and its evidence. -#}
select image_id, rule, reason, evidence
from {{ ref('val_removals') }}
where rule is null or reason is null or evidence is null or evidence = ''
