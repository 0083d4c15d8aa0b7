package store

import (
	"context"
	"slices"

	"gorm.io/gorm"

	"github.com/rectify/rectify/internal/domain"
)

// CreateUnit adds a unit; names are unique.
func (s *Store) CreateUnit(ctx context.Context, name string) (domain.Unit, error) {
	name, err := domain.ValidateUnitName(name)
	if err != nil {
		return domain.Unit{}, err
	}
	row := unitRow{Name: name, CreatedAt: s.Now()}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&unitRow{}).Where("name = ?", name).Count(&n).Error; err != nil {
			return err
		} else if n > 0 {
			return domain.Errorf(domain.EConflict, "a unit named %q already exists", name).WithKey("unit_exists", "name", name).WithField("name")
		}
		return tx.Create(&row).Error
	})
	if err != nil {
		return domain.Unit{}, err
	}
	return row.toDomain(), nil
}

// ListUnits returns every unit by ID.
func (s *Store) ListUnits(ctx context.Context) ([]domain.Unit, error) {
	var rows []unitRow
	if err := s.reader(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	units := make([]domain.Unit, len(rows))
	for i, r := range rows {
		units[i] = r.toDomain()
	}
	return units, nil
}

// UnitByName finds a unit by its exact name.
func (s *Store) UnitByName(ctx context.Context, name string) (domain.Unit, error) {
	var row unitRow
	err := s.reader(ctx).Where("name = ?", name).Take(&row).Error
	if err != nil {
		return domain.Unit{}, notFound(err, "unit %q not found", name)
	}
	return row.toDomain(), nil
}

// CheckUnitsExist returns an invalid error naming the first unknown unit.
func (s *Store) CheckUnitsExist(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	var found []int64
	if err := s.reader(ctx).Model(&unitRow{}).Where("id IN ?", ids).Pluck("id", &found).Error; err != nil {
		return err
	}
	for _, id := range ids {
		if !slices.Contains(found, id) {
			return domain.Errorf(domain.EInvalid, "unit %d does not exist", id).WithKey("unit_not_found").WithField("unit_id")
		}
	}
	return nil
}

func (r unitRow) toDomain() domain.Unit {
	return domain.Unit{ID: r.ID, Name: r.Name, CreatedAt: r.CreatedAt}
}
