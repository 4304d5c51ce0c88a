{#- R9: rules never remove a train image (leaks remove the val copy only). -#}
select image_id, split, reason
from {{ ref('val_removals') }}
where split != 'val' or split is null
