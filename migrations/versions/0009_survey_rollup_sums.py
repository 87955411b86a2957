"""survey rollup sums: running totals per day without the officer; months built through a day

``survey_rollup_sums`` answers a date range inside a month with two days' rows;
``survey_rollup_months`` gains ``through`` (the last closed day built) and ``summed``
(whether the monthly rows exist). The built months are forgotten, as in 0008: the next
``flask analytics rollups`` builds every month again, sums included.

Revision ID: 0009_survey_rollup_sums
Revises: 0008_survey_rollup_days
Create Date: 2026-12-05 09:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_survey_rollup_sums'
down_revision = '0008_survey_rollup_days'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_rollup_sums',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('channel_kind', sa.Enum('kiosk', 'qr', 'dossier', 'paper', name='channelkind', native_enum=False, length=20), nullable=False),
    sa.Column('verified', sa.Boolean(), nullable=False),
    sa.Column('flagged', sa.Boolean(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=True),
    sa.Column('choice', sa.String(length=40), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_rollup_sums'))
    )
    with op.batch_alter_table('survey_rollup_sums', schema=None) as batch_op:
        batch_op.create_index('ix_survey_rollup_sums_day', ['day', 'question_id'], unique=False)
    # months built before have no sums and no "through": forget them, the next refresh
    # builds them again
    op.execute("DELETE FROM survey_rollup_days")
    op.execute("DELETE FROM survey_rollups")
    op.execute("DELETE FROM survey_rollup_months")
    with op.batch_alter_table('survey_rollup_months', schema=None) as batch_op:
        batch_op.add_column(sa.Column('through', sa.Date(), nullable=False))
        batch_op.add_column(sa.Column('summed', sa.Boolean(), nullable=False))


def downgrade():
    op.execute("DELETE FROM survey_rollup_days")
    op.execute("DELETE FROM survey_rollups")
    op.execute("DELETE FROM survey_rollup_months")
    with op.batch_alter_table('survey_rollup_months', schema=None) as batch_op:
        batch_op.drop_column('summed')
        batch_op.drop_column('through')
    with op.batch_alter_table('survey_rollup_sums', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_rollup_sums_day')
    op.drop_table('survey_rollup_sums')
